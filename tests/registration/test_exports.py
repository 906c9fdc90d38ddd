"""Excel exports: the retake summary sheet (REG-4, CAL-5), the registration data reported upward
(REG-3) with ID numbers masked for roles that do not need them, and the demo fee schedule (FEE-1).
The pages ask for an export as a background job and download its file from the job's page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.models import (
    BackgroundJob,
    Occupation,
    OccupationLevel,
    RetakeDay,
    RetakeKind,
    Role,
    ScheduledAppraisalDay,
    User,
)
from registration import exports
from registration.management.commands.load_fee_schedule import Command as FeeCommand
from registration.management.commands.load_fee_schedule import load_fee_schedule
from registration.models import Application, FeeSchedule, Status

DEMO_ID = "220122199003150019"
MASKED = "220122********0019"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def open_xlsx(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


@pytest.fixture
def exported(client, django_capture_on_commit_callbacks):
    """Ask for an export as the page does (a POST), its job run at the commit as the embedded default
    runs it, then download the file its page links to; the sheet."""

    def export(url):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        assert response.status_code == 302 and response.url.startswith("/jobs/"), response.status_code
        job = BackgroundJob.objects.get(pk=int(response.url.strip("/").split("/")[-1]))
        file_url = reverse("job_output", args=[job.pk])
        page = client.get(response.url).content.decode()
        assert job.output_name and file_url in page and f"下载 {job.output_name}" in page
        return open_xlsx(client.get(file_url))

    return export


def rows_after_header(sheet):
    """The data rows: after the title (1), subtitle (2) and header (3), up to the first empty row."""
    result = []
    for values in sheet.iter_rows(min_row=4, values_only=True):
        if not any(v not in (None, "") for v in values):
            break
        result.append(values)
    return result


def make_application(*, center, username, id_number, status=Status.SUBMITTED, **fields):
    candidate = User.objects.create(username=username, role=Role.CANDIDATE, id_number=id_number,
                                    full_name=fields.get("name", "某考生"), region=center)
    defaults = {
        "name": "某考生", "gender": "M", "birth_month": datetime.date(1990, 3, 1), "education": "senior",
        "id_number": id_number, "phone": "13900000000", "years_in_occupation": 3, "work_history": "从事本职业。",
    }
    defaults.update(fields)
    return Application.objects.create(candidate=candidate, center=center, status=status, **defaults)


@pytest.fixture
def retake_day(db):
    return RetakeDay.objects.get(year=2017, kind=RetakeKind.UNIFIED)


@pytest.fixture
def retakes(retake_day, centers):
    """Three retake applications for 物流师: Nongan (submitted), Yushu (approved, same city), Jilin city
    (another region), and a draft that the sheet must leave out."""
    logistics = Occupation.objects.get(name="物流师")
    common = {"occupation": logistics, "level": 4, "retake_day": retake_day, "is_retake": True,
              "retake_original_year": 2016, "retake_subjects": "理论知识"}
    return [
        make_application(center=centers["nongan"], username="r1", id_number=DEMO_ID.replace("0019", "0035"),
                         name="补考甲", retake_original_ticket="2016-0001", **common),
        make_application(center=centers["yushu"], username="r2", id_number="220182198501010016",
                         name="补考乙", status=Status.APPROVED, retake_original_ticket="2016-0002", **common),
        make_application(center=centers["jilin_city"], username="r3", id_number="220202198501010013",
                         name="外地丙", retake_original_ticket="2016-0003", **common),
        make_application(center=centers["nongan"], username="r4", id_number="220122198501010011",
                         name="草稿丁", status=Status.DRAFT, **common),
    ]


# --- REG-4 / CAL-5: 职业技能鉴定补考人员汇总表 ----------------------------------------------------


def test_reg4_retake_summary_sheet_title_columns_rows_and_footer(client, demo_user, retake_day, retakes, exported):
    staff = demo_user("staff_changchun")
    client.force_login(staff)
    sheet = exported(reverse("registration:bulk_export_retake", args=[retake_day.pk]))
    assert sheet["A1"].value == "职业技能鉴定补考人员汇总表"
    assert "2017年5月20日" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == list(exports.RETAKE_HEADERS)
    rows = rows_after_header(sheet)
    assert [r[1] for r in rows] == ["补考甲", "补考乙"]  # the city's region only; no draft
    first = dict(zip(exports.RETAKE_HEADERS, rows[0], strict=True))
    assert first == {
        "序号": 1, "姓名": "补考甲", "性别": "男", "身份证号": retakes[0].id_number, "补考职业": "物流师",
        "等级": "中级工", "原鉴定年度": 2016, "原准考证号": "2016-0001", "补考科目": "理论知识",
        "联系电话": "13900000000", "鉴定机构": "农安县职业技能鉴定中心", "备注": "待审核",
    }
    assert rows[1][-1] is None  # approved: no remark
    footer = " ".join(str(v) for r in sheet.iter_rows(min_row=4 + len(rows), values_only=True) for v in r if v)
    assert "填表单位（章）：长春市职业技能鉴定中心" in footer
    assert f"填表人：{staff.display_name}" in footer
    assert "填表日期：" in footer


def test_reg4_retake_summary_masks_ids_for_examiner(client, demo_user, retake_day, retakes, exported):
    client.force_login(demo_user("examiner"))
    rows = rows_after_header(exported(reverse("registration:bulk_export_retake", args=[retake_day.pk])))
    ids = [r[3] for r in rows]
    assert ids and all("*" in i for i in ids)
    assert retakes[0].id_number not in ids


def test_reg4_county_staff_sees_only_its_county(client, demo_user, retake_day, retakes, exported):
    client.force_login(demo_user("staff_nongan"))
    rows = rows_after_header(exported(reverse("registration:bulk_export_retake", args=[retake_day.pk])))
    assert [r[1] for r in rows] == ["补考甲"]


# --- REG-3: registration data reported upward -------------------------------------------------------


@pytest.fixture
def fees(db):
    load_fee_schedule()


@pytest.fixture
def reported(fees, submitted, centers):
    """The demo candidate's submitted application (fee due from the schedule) plus a draft that the
    report leaves out."""
    make_application(center=centers["nongan"], username="d1", id_number="220122198501010011", name="草稿丁",
                     status=Status.DRAFT, occupation=submitted.occupation, level=5,
                     scheduled_day=submitted.scheduled_day)
    return submitted


@pytest.fixture
def report_rows(exported):
    def rows(application):
        url = reverse("registration:bulk_export_report", args=["day", application.scheduled_day_id])
        return sheet_rows(exported(url))

    return rows


def sheet_rows(sheet):
    assert sheet["A1"].value == "职业技能鉴定报名数据上报表"
    assert [c.value for c in sheet[3]] == list(exports.REPORT_HEADERS)
    return [dict(zip(exports.REPORT_HEADERS, r, strict=True)) for r in rows_after_header(sheet)]


@pytest.mark.parametrize("username", ["staff_nongan", "staff_changchun", "province_admin"])
def test_reg3_report_has_full_ids_for_center_staff(client, demo_user, reported, report_rows, username):
    client.force_login(demo_user(username))
    rows = report_rows(reported)
    assert [r["姓名"] for r in rows] == ["王考生"]
    row = rows[0]
    assert row["身份证号"] == DEMO_ID
    assert row["状态"] == "待审核"
    assert row["应缴鉴定费（元）"] == 120
    assert row["缴费情况"] == "未缴费"
    assert row["申报职业"] == "汽车维修工" and row["申报等级"] == "五级/初级工"
    assert row["出生年月"] == "1990-03" and row["文化程度"] == "高中/中专/技校"


@pytest.mark.parametrize("username", ["examiner", "hr_official"])
def test_reg3_report_masks_ids_for_examiner_and_hr(client, demo_user, reported, report_rows, username):
    client.force_login(demo_user(username))
    rows = report_rows(reported)
    assert rows[0]["身份证号"] == MASKED


def test_reg3_report_shows_payment(client, demo_user, reported, report_rows):
    staff = demo_user("staff_nongan")
    Application.objects.filter(pk=reported.pk).update(fee_paid=True, status=Status.APPROVED)
    client.force_login(staff)
    row = report_rows(reported)[0]
    assert (row["状态"], row["缴费情况"]) == ("审核通过", "已缴费")


def test_org8_report_is_scoped(client, demo_user, reported, report_rows):
    client.force_login(demo_user("staff_gongzhuling"))
    assert report_rows(reported) == []


def test_reg3_report_query_count_constant(demo_user, reported, centers):
    staff = demo_user("staff_nongan")
    day = reported.scheduled_day
    with CaptureQueriesContext(connection) as one:
        exports.registration_report(staff, ScheduledAppraisalDay.objects.get(pk=day.pk))
    for n in range(5):
        make_application(center=centers["nongan"], username=f"m{n}", id_number=f"22012219850101{n:02d}1" + "0",
                         occupation=reported.occupation, level=5, scheduled_day=day, name=f"多{n}")
    with CaptureQueriesContext(connection) as six:
        content = exports.registration_report(staff, ScheduledAppraisalDay.objects.get(pk=day.pk))
    assert len(rows_after_header(load_workbook(io.BytesIO(content)).active)) == 6
    assert len(six) == len(one), [q["sql"][:300] for q in six.captured_queries]


def test_reg3_unified_report_and_export_index(client, demo_user, reported, exported):
    client.force_login(demo_user("staff_changchun"))
    page = client.get(reverse("registration:bulk_exports"))
    assert page.status_code == 200
    assert reverse("registration:bulk_export_report", args=["day", reported.scheduled_day_id]) in page.content.decode()
    unified = page.context["unified"][0]
    sheet = exported(reverse("registration:bulk_export_report", args=["unified", unified.pk]))
    assert rows_after_header(sheet) == []
    assert client.post(reverse("registration:bulk_export_report", args=["other", 1])).status_code == 404
    assert client.post(reverse("registration:bulk_export_report", args=["day", 10**9])).status_code == 404


@pytest.mark.parametrize("name, args", [
    ("registration:bulk_exports", []),
    ("registration:bulk_export_retake", None),
    ("registration:bulk_export_report", None),
])
def test_reg3_candidate_gets_403_on_exports(client, demo_user, reported, retake_day, name, args):
    client.force_login(demo_user("candidate"))
    if name == "registration:bulk_export_retake":
        args = [retake_day.pk]
    elif args is None:
        args = ["day", reported.scheduled_day_id]
    ask = client.get if name == "registration:bulk_exports" else client.post  # an export is asked for by POST
    assert ask(reverse(name, args=args)).status_code == 403
    assert not BackgroundJob.objects.exists()


# --- FEE-1: the demo fee schedule ------------------------------------------------------------------


def test_fee1_load_fee_schedule_is_idempotent_and_keeps_edits(db):
    FeeSchedule.objects.all().delete()
    call_command("load_fee_schedule", stdout=io.StringIO())
    levels = OccupationLevel.objects.count()
    assert FeeSchedule.objects.count() == levels
    amounts = set(FeeSchedule.objects.values_list("level", "amount").distinct())
    assert amounts == {(5, Decimal("120")), (4, Decimal("150")), (3, Decimal("200")), (2, Decimal("280")),
                       (1, Decimal("350"))}
    assert set(FeeSchedule.objects.values_list("document", flat=True)) == {"吉省价收字〔2001〕24号"}
    edited = FeeSchedule.objects.first()
    FeeSchedule.objects.filter(pk=edited.pk).update(amount=Decimal("99"))
    call_command("load_fee_schedule", stdout=io.StringIO())
    assert FeeSchedule.objects.count() == levels
    assert FeeSchedule.objects.get(pk=edited.pk).amount == Decimal("99")
    assert "演示" in FeeCommand.help
