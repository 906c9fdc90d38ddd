"""REG-2: the lower-level or title certificate a level asks for is checked in the original by the
center ("original checked, copy kept") before the application is approved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from registration import services
from registration.models import MaterialKind, Status
from tests.registration.conftest import good_file


@pytest.fixture
def level4(candidate, centers, occupation, open_day, form_data):
    """A submitted level-4 application: it needs the level-5 certificate (REG-6)."""
    application = services.create_application(
        candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"), level=4,
        target=open_day(centers["nongan"]), **form_data,
    )
    services.update_application(
        application, actor=candidate, held_certificate="汽车维修工", held_certificate_level=5,
        held_certificate_issuer="吉林省人力资源和社会保障厅", held_certificate_date=datetime.date(2012, 6, 1),
    )
    for kind in services.required_materials(application):
        services.attach_material(application, kind=kind, uploaded=good_file(kind), actor=candidate)
    return services.submit_application(application, actor=candidate)


def _certificate(application):
    return application.materials.get(kind=MaterialKind.LOWER_CERTIFICATE)


def test_reg2_approval_waits_for_the_original_certificate(level4, demo_user):
    clerk = demo_user("staff_nongan")
    assert services.originals_unchecked(level4) == ["下一等级职业资格证书"]
    with pytest.raises(ValidationError, match="请先核验以下证书的原件"):
        services.approve_application(level4, actor=clerk)
    level4.refresh_from_db()
    assert level4.status == Status.SUBMITTED
    checked = services.confirm_original(_certificate(level4), actor=clerk)
    assert checked.original_checked_by == clerk and checked.original_checked_at is not None
    first_time = checked.original_checked_at
    assert services.confirm_original(_certificate(level4), actor=clerk).original_checked_at == first_time
    assert services.originals_unchecked(level4) == []
    services.approve_application(level4, actor=clerk)
    level4.refresh_from_db()
    assert level4.status == Status.APPROVED


def test_reg2_only_the_responsible_clerk_checks_an_original_and_only_of_a_certificate(level4, candidate, demo_user):
    with pytest.raises(PermissionDenied):
        services.confirm_original(_certificate(level4), actor=candidate)
    with pytest.raises(PermissionDenied):
        services.confirm_original(_certificate(level4), actor=demo_user("staff_gongzhuling"))
    with pytest.raises(ValidationError, match="不需要核验原件"):
        services.confirm_original(level4.materials.get(kind=MaterialKind.ID_CARD), actor=demo_user("staff_nongan"))
    assert _certificate(level4).original_checked_at is None


def test_reg2_a_level_without_certificates_is_approved_as_before(submitted, demo_user):
    assert services.originals_unchecked(submitted) == []
    services.approve_application(submitted, actor=demo_user("staff_nongan"))


def test_reg2_the_review_page_records_the_original_check(client, level4, demo_user):
    client.force_login(demo_user("staff_nongan"))
    url = reverse("registration:review_detail", args=[level4.pk])
    page = client.get(url).content.decode()
    assert "审核通过前请核验原件" in page and "已核验原件" in page
    response = client.post(reverse("registration:confirm_original", args=[level4.pk]),
                           {"material": _certificate(level4).pk}, follow=True)
    body = response.content.decode()
    assert "原件已核验" in body and "审核通过前请核验原件" not in body
    assert client.post(reverse("registration:confirm_original", args=[level4.pk]),
                       {"material": "999999"}).status_code == 404
