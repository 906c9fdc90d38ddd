"""Small things candidates noticed (REG-2): the uploaded photo shows as a thumbnail on the application
page, served only to those who may see it and addressed by the material's number; a refused upload
comes back at the page's own address with the reason."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from appraisal.models import Role, User
from appraisal.records import PersonalDataAccess
from registration import services
from registration.models import Material, MaterialKind
from tests.registration.conftest import good_file, image_bytes, upload


@pytest.fixture(autouse=True)
def media(tmp_media):
    return tmp_media


@pytest.fixture
def photo(draft, candidate):
    services.attach_material(draft, kind=MaterialKind.PHOTO, uploaded=good_file(MaterialKind.PHOTO), actor=candidate)
    return Material.objects.get(application=draft, kind=MaterialKind.PHOTO)


def test_reg2_application_page_shows_the_photo_thumbnail(client, candidate, draft, photo):
    client.force_login(candidate)
    html = client.get(reverse("registration:application_detail", args=[draft.pk])).content.decode()
    thumbnail_url = reverse("registration:photo_thumbnail", args=[photo.pk])
    assert re.search(rf'<img class="photo-thumb" src="{re.escape(thumbnail_url)}" alt="已上传的本人照片"', html)
    assert candidate.username not in thumbnail_url  # the ID number never goes into a URL

    response = client.get(thumbnail_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "JPEG" and image.width <= 120 and image.height <= 160


def test_reg2_no_thumbnail_before_a_photo_is_uploaded(client, candidate, draft):
    client.force_login(candidate)
    html = client.get(reverse("registration:application_detail", args=[draft.pk])).content.decode()
    assert 'data-testid="photo-thumbnail"' not in html


def test_reg2_thumbnail_only_for_photos(client, candidate, draft):
    services.attach_material(draft, kind=MaterialKind.ID_CARD, uploaded=good_file(MaterialKind.ID_CARD),
                             actor=candidate)
    id_card = Material.objects.get(application=draft, kind=MaterialKind.ID_CARD)
    client.force_login(candidate)
    assert client.get(reverse("registration:photo_thumbnail", args=[id_card.pk])).status_code == 404


def test_reg2_thumbnail_refused_to_other_candidates_and_outsiders(client, demo_user, photo):
    url = reverse("registration:photo_thumbnail", args=[photo.pk])
    assert client.get(url).status_code == 302  # not logged in: to the login page
    other = User.objects.create_user(username="other-candidate", password="x-Changbai-2017", role=Role.CANDIDATE)
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(User.objects.create_user(username="ex1", password="x-Changbai-2017", role=Role.EXAMINER,
                                                center=photo.application.center))
    assert client.get(url).status_code == 404  # examiners never open candidates' files


def test_reg2_thumbnail_for_staff_in_scope_is_logged(client, demo_user, photo):
    staff = demo_user("staff_nongan")
    client.force_login(staff)
    response = client.get(reverse("registration:photo_thumbnail", args=[photo.pk]))
    assert response.status_code == 200
    assert PersonalDataAccess.objects.filter(user=staff).exists()


def test_reg2_refused_upload_returns_to_the_page_address(client, candidate, draft):
    client.force_login(candidate)
    page = reverse("registration:application_detail", args=[draft.pk])
    html = client.get(page).content.decode()
    # The upload forms post to the page itself...
    assert f'action="{page}#material-photo"' in html
    assert reverse("registration:material_upload", args=[draft.pk]) not in html
    # ...so a refused file is answered there, with the reason on top and at the material.
    response = client.post(page, {"kind": "photo", "file": upload("wide.jpg", image_bytes(480, 330), "image/jpeg")})
    assert response.status_code == 400
    assert response.wsgi_request.path == page
    html = response.content.decode()
    assert 'data-testid="upload-failed"' in html and "照片应为竖版小二寸" in html
    assert 'id="upload-error-photo"' in html
    assert not Material.objects.filter(application=draft).exists()


def test_reg2_upload_at_the_page_address_succeeds(client, candidate, draft):
    client.force_login(candidate)
    page = reverse("registration:application_detail", args=[draft.pk])
    response = client.post(page, {"kind": "photo", "file": good_file(MaterialKind.PHOTO)})
    assert response.status_code == 302 and response["Location"] == page + "#materials"
    assert Material.objects.filter(application=draft, kind=MaterialKind.PHOTO).exists()
