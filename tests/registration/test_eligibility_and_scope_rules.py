"""Rules a review against the notice found loose, each held to the letter: CAL-1 (unified occupations
only on unified days), CAL-5 (the retake year re-checked and shown to the reviewer), OTH-1 (the
appraisal before graduation), FEE-1 (nothing to pay without a fee), ORG-8 (no answer about a
candidate outside the clerk's scope) and REG-2 (colour photos)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from appraisal.models import (
    EligibilityCondition,
    Occupation,
    OccupationLevel,
    RetakeDay,
    ScheduledAppraisalDay,
)
from registration import services
from registration.materials import check_upload
from registration.models import Application, FeeSchedule, MaterialKind, PaymentRecord, Status
from tests.registration.conftest import upload

TODAY = datetime.date(2017, 6, 1)
DAY = datetime.date(2017, 7, 15)  # registration closes 2017-06-30


def test_cal1_unified_occupation_refused_on_a_centers_scheduled_day(candidate, centers, occupation, form_data):
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=centers["province"], day=DAY)
    before = Application.objects.count()
    with pytest.raises(ValidationError, match="统一鉴定职业，只在统一鉴定日"):
        services.create_application(
            candidate=candidate, actor=candidate, occupation=occupation("理财规划师"), level=3, target=day,
            today=TODAY, **form_data,
        )
    assert Application.objects.count() == before


# --- CAL-5 ------------------------------------------------------------------------------------


@pytest.fixture
def retake(candidate, occupation, form_data):
    return services.create_application(
        candidate=candidate, actor=candidate, occupation=occupation("物流师"), level=4,
        target=RetakeDay.objects.get(year=2017, kind="unified"), today=datetime.date(2017, 4, 1),
        retake_original_year=2016, **form_data,
    )


def test_cal5_retake_year_cannot_be_edited_away_from_2016(retake, candidate):
    with pytest.raises(ValidationError) as info:
        services.update_application(retake, actor=candidate, today=datetime.date(2017, 4, 2),
                                    retake_original_year=2009)
    assert "2016年" in info.value.message_dict["retake_original_year"][0]
    retake.refresh_from_db()
    assert retake.retake_original_year == 2016


def test_cal5_the_reviewer_sees_the_retake_check(retake, candidate):
    [check] = [r for r in services.check_eligibility(retake, today=datetime.date(2017, 4, 2)) if r["check"] == "retake"]
    assert check["ok"] is False and "原准考证号未填写" in check["message"]
    services.update_application(retake, actor=candidate, today=datetime.date(2017, 4, 2),
                                retake_original_ticket="1622010100123")
    [check] = [r for r in services.check_eligibility(retake, today=datetime.date(2017, 4, 2)) if r["check"] == "retake"]
    assert check == {"check": "retake", "ok": True, "message": "补考：原鉴定年度2016，原准考证号1622010100123。"}


def test_cal5_an_ordinary_application_has_no_retake_check(draft):
    assert "retake" not in {r["check"] for r in services.check_eligibility(draft)}


# --- OTH-1 ------------------------------------------------------------------------------------


@pytest.fixture
def cancelled_school_occupation(db):
    occupation = Occupation.objects.create(
        name="测试已取消工种", category="daily", status="cancelled", cancelled_on=datetime.date(2016, 12, 1),
        cancelled_by_state_council=True,
    )
    level = OccupationLevel.objects.create(occupation=occupation, level=5, theory_minutes=60,
                                           skill_mode="practical", skill_minutes=60)
    EligibilityCondition.objects.create(occupation_level=level, min_years_in_occupation=0, description="在校生")
    return occupation


@pytest.fixture
def student(centers, form_data):
    def make(graduation_date, suffix="0035"):
        return services.register_candidate(
            full_name=form_data["name"], id_number=form_data["id_number"].replace("0019", suffix),
            phone="13800000001", password="Student-pass-2017", school=centers["school"],
            region=centers["changchun"], graduation_date=graduation_date,
        )

    return make


def _apply(student, occupation, day, form_data):
    return services.create_application(
        candidate=student, actor=student, occupation=occupation, level=5, target=day, today=TODAY,
        **{**form_data, "id_number": student.id_number},
    )


def test_oth1_the_appraisal_must_come_before_graduation(centers, student, cancelled_school_occupation, form_data):
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=centers["school"], day=DAY)
    graduating_first = student(datetime.date(2017, 7, 1))  # registers before graduating, appraised after
    with pytest.raises(ValidationError, match=r"2017-07-01毕业，鉴定日（2017-07-15）已在毕业之后"):
        _apply(graduating_first, cancelled_school_occupation, day, form_data)
    assert not Application.objects.filter(candidate=graduating_first).exists()
    graduating_after = student(datetime.date(2017, 7, 20), suffix="0051")
    assert _apply(graduating_after, cancelled_school_occupation, day, form_data).center == centers["school"]


def test_oth1_no_graduation_date_no_exemption(centers, student, cancelled_school_occupation, form_data):
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=centers["school"], day=DAY)
    with pytest.raises(ValidationError, match="请先填写该学生的预计毕业日期"):
        _apply(student(None), cancelled_school_occupation, day, form_data)


def test_oth1_submit_asks_the_engine_again(centers, student, cancelled_school_occupation, form_data):
    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=centers["school"], day=DAY)
    pupil = student(datetime.date(2017, 7, 20))
    application = _apply(pupil, cancelled_school_occupation, day, form_data)
    pupil.graduation_date = datetime.date(2017, 7, 1)  # the school corrects the date after the draft
    pupil.save(update_fields=["graduation_date"])
    with pytest.raises(ValidationError, match="已在毕业之后"):
        services.submit_application(application, actor=pupil, today=datetime.date(2017, 6, 5))
    application.refresh_from_db()
    assert application.status == Status.DRAFT


# --- FEE-1 ------------------------------------------------------------------------------------


def test_fee1_no_payment_without_a_fee_and_the_fee_is_taken_when_it_appears(submitted, demo_user, occupation):
    clerk = demo_user("staff_nongan")
    assert submitted.fee_due is None  # no fee schedule when it was submitted
    with pytest.raises(ValidationError, match="尚未设置收费标准"):
        services.record_payment(submitted, actor=clerk)
    submitted.refresh_from_db()
    assert not submitted.fee_paid and not PaymentRecord.objects.filter(application=submitted).exists()
    FeeSchedule.objects.create(occupation=occupation("汽车维修工"), level=5, amount=Decimal("120.00"),
                               effective_from=datetime.date(2001, 1, 1))
    services.record_payment(submitted, actor=clerk)
    submitted.refresh_from_db()
    assert submitted.fee_paid and submitted.fee_due == Decimal("120.00")
    assert PaymentRecord.objects.get(application=submitted).amount == Decimal("120.00")


# --- ORG-8 ------------------------------------------------------------------------------------


def test_org8_a_clerk_learns_nothing_about_a_candidate_outside_the_scope(centers, occupation, open_day, form_data,
                                                                          demo_user):
    outsider = services.register_candidate(
        full_name="榆树考生", id_number=form_data["id_number"].replace("0019", "0078"), phone="13800000002",
        password="Yushu-pass-2017", region=centers["yushu"],
    )
    with pytest.raises(PermissionDenied) as info:
        services.create_application(
            candidate=outsider, actor=demo_user("staff_nongan"), occupation=occupation("汽车维修工"), level=5,
            target=open_day(centers["nongan"]), **{**form_data, "id_number": outsider.id_number},
        )
    assert "榆树" not in str(info.value) and "管辖范围" in str(info.value)
    assert not Application.objects.filter(candidate=outsider).exists()


# --- REG-2 ------------------------------------------------------------------------------------


def _jpeg(mode, colour):
    buffer = io.BytesIO()
    Image.new(mode, (330, 480), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize("mode, colour", [("L", 180), ("RGB", (180, 180, 180))], ids=["greyscale", "grey-rgb"])
def test_reg2_photo_must_be_in_colour(mode, colour):
    with pytest.raises(ValidationError, match="照片须为彩色照片"):
        check_upload(MaterialKind.PHOTO, upload("photo.jpg", _jpeg(mode, colour), "image/jpeg"))


def test_reg2_colour_photo_and_grey_scans_of_documents_accepted():
    assert check_upload(MaterialKind.PHOTO, upload("p.jpg", _jpeg("RGB", (60, 110, 190)), "image/jpeg")).width == 330
    # A black-and-white scan of an ID card is fine: only the photo must be in colour.
    assert check_upload(MaterialKind.ID_CARD, upload("id.jpg", _jpeg("L", 200), "image/jpeg")).kind == "jpeg"


# --- CAL-6 ------------------------------------------------------------------------------------


def test_cal6_an_extra_day_takes_only_the_occupation_it_was_approved_for(candidate, centers, occupation, open_day,
                                                                        form_data):
    day = open_day(centers["nongan"])
    day.occupation = occupation("焊工")
    day.save(update_fields=["occupation"])
    with pytest.raises(ValidationError, match="为“焊工”增加的鉴定场次，不受理“汽车维修工”"):
        services.create_application(candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"),
                                    level=5, target=day, **form_data)
    assert day not in [target for target, _c, _w in services.open_appraisals(candidate, occupation("汽车维修工"), 5)]
    day.occupation = occupation("汽车维修工")
    day.save(update_fields=["occupation"])
    assert services.create_application(candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"),
                                       level=5, target=day, **form_data).scheduled_day == day


# --- REG-6 ------------------------------------------------------------------------------------


def test_reg6_years_are_counted_from_the_lower_certificate(candidate, centers, occupation, open_day, form_data):
    """The demo's level 4: "取得本职业五级证书后，连续从事本职业工作3年以上" — years since the certificate."""
    application = services.create_application(
        candidate=candidate, actor=candidate, occupation=occupation("汽车维修工"), level=4,
        target=open_day(centers["nongan"]), **form_data,
    )
    today = datetime.date(2026, 6, 1)

    def since_check(held_date):
        services.update_application(
            application, actor=candidate, held_certificate="汽车维修工", held_certificate_level=5,
            held_certificate_issuer="吉林省人力资源和社会保障厅", held_certificate_date=held_date, today=today,
        )
        [check] = [r for r in services.check_eligibility(application, today=today)
                   if r["check"] == "years_since_certificate"]
        return check

    recent = since_check(datetime.date(2025, 6, 2))
    assert recent["ok"] is False and "已满 0 年" in recent["message"] and "要求工作满 3 年" in recent["message"]
    assert since_check(datetime.date(2023, 6, 1)) == {
        "check": "years_since_certificate", "ok": True,
        "message": "取得下一等级证书后要求工作满 3 年；证书颁发于2023-06-01，已满 3 年。",
    }


# --- Data that existed before these rules -------------------------------------------------------


def test_cal6_extra_days_approved_before_the_limit_take_their_requests_occupation(centers, occupation, demo_user):
    from importlib import import_module

    from django.apps import apps

    from registration.models import ExtraSessionRequest

    day, _created = ScheduledAppraisalDay.objects.get_or_create(center=centers["nongan"], day=datetime.date(2017, 9, 9))
    ExtraSessionRequest.objects.create(
        center=centers["nongan"], day=day.day, occupation=occupation("焊工"), expected_candidates=300,
        reason="批量鉴定", status="approved", requested_by=demo_user("staff_nongan"), scheduled_day=day,
    )
    migration = import_module("registration.migrations.0007_extra_days_occupation_and_payment_trigger")
    migration.limit_approved_extra_days(apps, None)
    day.refresh_from_db()
    assert day.occupation == occupation("焊工") and not day.accepts(occupation("汽车维修工"))


def test_fee1_the_database_refuses_rewriting_payment_records_on_postgres(submitted, demo_user, occupation,
                                                                         on_postgres):
    from django.db import DatabaseError, connection, transaction

    FeeSchedule.objects.create(occupation=occupation("汽车维修工"), level=5, amount=Decimal("120.00"),
                               effective_from=datetime.date(2001, 1, 1))
    services.record_payment(submitted, actor=demo_user("staff_nongan"))
    record = PaymentRecord.objects.get(application=submitted)
    for statement in ("UPDATE registration_paymentrecord SET amount = 0 WHERE id = %s",
                      "DELETE FROM registration_paymentrecord WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [record.pk])
    record.refresh_from_db()
    assert record.amount == Decimal("120.00")
