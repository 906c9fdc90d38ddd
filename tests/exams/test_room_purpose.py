"""EXAM-2 / EXAM-4: rooms say what they are for, and seating follows: a skill workshop takes only
the occupations it is equipped for, a theory room no practical (实际操作) skill exam, and when no
room of the site fits, every candidate left unseated is told why in Chinese."""

import pytest
from django.core.exceptions import ValidationError

from appraisal.models import Occupation
from exams import services
from exams.models import RoomPurpose, SeatAssignment


@pytest.fixture
def clerk(demo_user):
    return demo_user("staff_nongan")


@pytest.fixture
def occupations(db):
    return {name: Occupation.objects.get(name=name) for name in ("汽车维修工", "中式烹调师")}


@pytest.fixture
def make_site(clerk, centers):
    def make(*rooms):
        site = services.create_site(actor=clerk, center=centers["nongan"], name="实操考点", address="农安县")
        for name, capacity, purpose, served in rooms:
            services.add_room(actor=clerk, site=site, name=name, capacity=capacity, purpose=purpose,
                              occupations=served)
        return site

    return make


def car_session(site, exam_day, centers, clerk, occupations):
    return services.schedule_session(actor=clerk, center=centers["nongan"], site=site,
                                     occupation=occupations["汽车维修工"], level=5, target=exam_day, allow_past=True)


def test_exam2_exam4_practical_skill_is_seated_only_in_a_workshop_serving_the_occupation(
        make_site, exam_day, centers, clerk, occupations, make_applications):
    site = make_site(("A烹饪实训室", 5, RoomPurpose.SKILL, [occupations["中式烹调师"]]),
                     ("B理论考场", 5, RoomPurpose.THEORY, []),
                     ("C汽修车间", 2, RoomPurpose.SKILL, [occupations["汽车维修工"]]))
    session = car_session(site, exam_day, centers, clerk, occupations)
    make_applications(4)
    result = services.assign_seats_automatically(session=session, actor=clerk)
    assert result.seated == 2
    assert set(SeatAssignment.objects.filter(session=session).values_list("room__name", flat=True)) == {"C汽修车间"}
    assert [reason for _a, reason in result.unseated] == ["考位已满：考点适合本场次的考场均无空余考位。"] * 2


def test_exam2_no_fitting_room_says_why_in_chinese(make_site, exam_day, centers, clerk, occupations, make_applications):
    site = make_site(("A烹饪实训室", 5, RoomPurpose.SKILL, [occupations["中式烹调师"]]),
                     ("B理论考场", 5, RoomPurpose.THEORY, []))
    session = car_session(site, exam_day, centers, clerk, occupations)
    make_applications(2)
    result = services.assign_seats_automatically(session=session, actor=clerk)
    assert result.seated == 0 and not SeatAssignment.objects.filter(session=session).exists()
    reasons = {reason for _a, reason in result.unseated}
    assert len(result.unseated) == 2 and len(reasons) == 1
    assert "考点没有适合汽车维修工的考场：实际操作须在为该职业配备设备的技能考核场地进行" in reasons.pop()


def test_exam2_general_rooms_still_take_any_session(make_site, exam_day, centers, clerk, occupations, make_applications):
    site = make_site(("A烹饪实训室", 5, RoomPurpose.SKILL, [occupations["中式烹调师"]]),
                     ("B综合考场", 3, RoomPurpose.GENERAL, []))
    session = car_session(site, exam_day, centers, clerk, occupations)
    make_applications(3)
    assert services.assign_seats_automatically(session=session, actor=clerk).seated == 3
    assert set(SeatAssignment.objects.filter(session=session).values_list("room__name", flat=True)) == {"B综合考场"}


def test_exam2_manual_seat_in_another_trades_workshop_is_refused(
        make_site, exam_day, centers, clerk, occupations, make_applications):
    site = make_site(("A烹饪实训室", 5, RoomPurpose.SKILL, [occupations["中式烹调师"]]),
                     ("C汽修车间", 2, RoomPurpose.SKILL, [occupations["汽车维修工"]]))
    session = car_session(site, exam_day, centers, clerk, occupations)
    [application] = make_applications(1)
    kitchen = site.rooms.get(name="A烹饪实训室")
    with pytest.raises(ValidationError) as caught:
        services.assign_seat(session=session, application=application, room=kitchen, seat_number=1, actor=clerk)
    assert "A烹饪实训室是中式烹调师的技能考核场地，不能安排汽车维修工的考生" in caught.value.message_dict["room"][0]
    assert not SeatAssignment.objects.exists()
    seat = services.assign_seat(session=session, application=application, room=site.rooms.get(name="C汽修车间"),
                                seat_number=1, actor=clerk)
    assert seat.room.name == "C汽修车间"


@pytest.mark.parametrize(("purpose", "served", "message"), [
    (RoomPurpose.SKILL, [], "技能考核场地须至少选择一个服务职业"),
    (RoomPurpose.THEORY, ["汽车维修工"], "只有技能考核场地登记服务职业"),
    ("kitchen", [], "请选择考场用途"),
])
def test_exam2_a_room_says_what_it_is_for_consistently(clerk, centers, occupations, purpose, served, message):
    site = services.create_site(actor=clerk, center=centers["nongan"], name="新考点", address="农安县")
    with pytest.raises(ValidationError) as caught:
        services.add_room(actor=clerk, site=site, name="一号", capacity=5, purpose=purpose,
                          occupations=[occupations[n] for n in served])
    assert message in " ".join(caught.value.messages)
    assert not site.rooms.exists()


def test_exam2_demo_car_workshop_serves_only_car_repair(db):
    from exams import demo
    from exams.models import Room

    demo.load(quiet=True)
    demo.load(quiet=True)  # idempotent
    workshop = Room.objects.filter(name="实操车间").first()
    assert workshop is not None and workshop.purpose == RoomPurpose.SKILL
    assert list(workshop.occupations.values_list("name", flat=True)) == ["汽车维修工"]
