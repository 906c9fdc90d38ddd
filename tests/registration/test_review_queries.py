"""The review queue uses a constant number of queries whatever its length (DESIGN: lists; REG-5)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from stdnum.cn import ric

from appraisal.models import Role, User
from registration.models import Application, Material, MaterialKind, Status

QUEUE = reverse("registration:review_queue")


def add_applications(count, *, start, day, occupations):
    """`count` submitted applications at `day`, spread over occupations and levels, with materials."""
    users = []
    for seq in range(start, start + count):
        body = f"220122198805{seq // 100 + 10:02d}{seq % 100:03d}"
        id_number = body + ric.calc_check_digit(body + "0")
        users.append(User(username=id_number, id_number=id_number, full_name=f"考生{seq}", role=Role.CANDIDATE,
                          region=day.center))
    users = User.objects.bulk_create(users)
    applications = Application.objects.bulk_create([
        Application(
            candidate=user, center=day.center, scheduled_day=day, occupation=occupations[i % len(occupations)],
            level=5 - (i % 2), status=Status.SUBMITTED, name=user.full_name, gender="M", education="senior",
            birth_month="1988-05-01", id_number=user.id_number, phone="13900000000", years_in_occupation=5,
            work_history="从事本职业工作。", fee_paid=bool(i % 3),
        )
        for i, user in enumerate(users)
    ])
    Material.objects.bulk_create([
        Material(application=application, kind=kind, file=f"materials/fake-{application.pk}-{kind}",
                 content_type="application/pdf", size=100, sha256="0" * 64, uploaded_by=application.candidate)
        for application in applications
        for kind in (MaterialKind.ID_CARD, MaterialKind.PHOTO)
    ])


def queue_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, params)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("username", ["staff_nongan", "staff_changchun", "province_admin"])
def test_reg5_queue_queries_do_not_grow_with_the_page(client, demo_user, centers, occupation, open_day, username):
    day = open_day(centers["nongan"])
    occupations = [occupation("汽车维修工"), occupation("中式烹调师"), occupation("保安员")]
    client.force_login(demo_user(username))
    add_applications(5, start=1, day=day, occupations=occupations)
    queue_queries(client)  # warm-up: caches (site hotlines, content types) filled once
    few, response = queue_queries(client)
    assert len(response.context["page"].object_list) == 5
    add_applications(35, start=100, day=day, occupations=occupations)
    many, response = queue_queries(client)
    rows = response.context["page"].object_list
    assert len(rows) == 40
    assert few == many, (few, many)
    # The per-row facts were really computed (not skipped to save queries).
    assert {(a.level, a.materials_present, a.materials_required) for a in rows} == {(5, 2, 4), (4, 2, 5)}
    assert all(a.center.name and a.occupation.name and a.appraisal_date for a in rows)


def test_reg5_filtered_queue_queries_do_not_grow(client, demo_user, centers, occupation, open_day):
    day = open_day(centers["nongan"])
    repair = occupation("汽车维修工")
    client.force_login(demo_user("staff_nongan"))
    add_applications(5, start=1, day=day, occupations=[repair])
    params = {"occupation": repair.pk, "level": 5, "appraisal": f"day:{day.pk}", "q": "考生", "status": "all"}
    queue_queries(client, **params)
    few, _response = queue_queries(client, **params)
    add_applications(35, start=100, day=day, occupations=[repair])
    many, response = queue_queries(client, **params)
    assert response.context["page"].paginator.count == 21  # level 5 only: 3 of the first 5, 18 of the next 35
    assert few == many, (few, many)
