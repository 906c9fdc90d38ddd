"""The demo's applications (load_demo_applications): the review queue of the embedded default shows
one application in each state, made through the services, and a second load adds nothing."""

from django.core.management import call_command

from registration import selectors
from registration.demo import load_demo_applications
from registration.management.commands.load_fee_schedule import load_fee_schedule
from registration.models import Application, MaterialKind, Status


def test_demo_applications_fill_the_queue_once(centers, open_day, demo_user, candidate):
    load_fee_schedule()
    open_day(centers["nongan"])
    made = load_demo_applications()
    assert [(a.name, a.occupation.name, a.level, a.status) for a in made] == [
        ("李明", "汽车维修工", 5, Status.SUBMITTED),
        ("张华", "汽车维修工", 4, Status.SUBMITTED),
        ("刘洋", "电工", 5, Status.RETURNED),
        ("陈静", "中式烹调师", 5, Status.APPROVED),
    ]
    approved = made[3]
    assert approved.fee_paid and approved.fee_due is not None and approved.center_opinion
    assert made[1].materials.get(kind=MaterialKind.LOWER_CERTIFICATE).original_checked_at is None
    assert made[2].transitions.last().reason.startswith("照片背景")
    clerk = demo_user("staff_nongan")
    assert {a.pk for a in made} <= set(selectors.review_queue(clerk).values_list("pk", flat=True)) | {
        made[2].pk, made[3].pk}
    assert not Application.objects.filter(candidate=candidate).exists()  # 王考生 applies themselves
    assert load_demo_applications() == []
    assert Application.objects.count() == 4


def test_the_load_demo_command_loads_them_and_says_who_they_are(centers, open_day):
    from io import StringIO

    open_day(centers["nongan"])
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "已载入演示申报 4 份" in text and "陈静" in text and "审核通过" in text
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "已载入演示申报" not in out.getvalue()
