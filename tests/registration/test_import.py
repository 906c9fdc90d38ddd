"""REG-3 bulk import by a center: template, row-by-row checks (REG-5, ORG-2/3/7), 'good rows only',
file checks by content, permissions, and a query count that does not grow with the rows."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from appraisal.demo import DEMO_CANDIDATE, DEMO_PASSWORD
from appraisal.models import User
from registration import import_sheet
from registration.models import Application, ApplicationTransition, Status
from registration.services import imports

OCCUPATION = "汽车维修工"


def make_id(seq, *, region="220122", born=datetime.date(1985, 6, 15), male=True):
    """A valid 18-digit ID: the 17th digit is odd for men."""
    born = born + datetime.timedelta(days=seq // 500)  # same month for the sequences the tests use
    digits = (seq % 500) * 2 + (1 if male else 0)
    body = f"{region}{born:%Y%m%d}{digits:03d}"
    return body + ric.calc_check_digit(body + "0")


def row(seq, **overrides):
    born = overrides.pop("born", datetime.date(1985, 6, 15))
    values = {
        "姓名": f"考生{seq}", "性别": "男", "出生年月": f"{born:%Y-%m}", "身份证号": make_id(seq, born=born),
        "文化程度": "高中/中专/技校", "联系电话": f"1390000{seq:04d}", "工作单位": "农安县某汽修厂",
        "现职业": "汽车修理", "已从事本职业工作年限": 3, "工作简历": "2014年至今从事汽车维修。", "现已持证书": "",
        "证书等级": "", "所在地区": "",
    }
    values.update(overrides)
    return [values[h] for h in import_sheet.HEADERS]


def xlsx(rows, headers=import_sheet.HEADERS, name="考生.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    if headers is not None:
        sheet.append(list(headers))
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=import_sheet.XLSX_CONTENT_TYPE)


@pytest.fixture
def staff(demo_user):
    return demo_user("staff_nongan")


@pytest.fixture
def day(open_day, centers):
    return open_day(centers["nongan"])


@pytest.fixture
def run(staff, day, occupation):
    def call(upload, only_good_rows=False, **kwargs):
        options = {"staff": staff, "occupation": occupation(OCCUPATION), "level": 5, "target": day}
        options.update(kwargs)
        return imports.import_file(upload, only_good_rows=only_good_rows, **options)

    return call


# --- The template ---------------------------------------------------------------------------------


def test_reg3_template_download_has_chinese_headers_and_explanations(client, staff):
    client.force_login(staff)
    response = client.get(reverse("registration:bulk_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == import_sheet.XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(response.content))
    data, notes = workbook.worksheets
    assert [c.value for c in data[1]] == list(import_sheet.HEADERS)
    assert data.column_dimensions["D"].number_format == "@"  # ID column stays text
    assert notes.title == "填写说明"
    explained = {r[0]: r[2] for r in notes.iter_rows(min_row=2, values_only=True) if r and r[0] in import_sheet.HEADERS}
    assert set(explained) == set(import_sheet.HEADERS)
    assert "本科" in explained["文化程度"]


def test_reg3_template_round_trip_imports(run):
    """The downloaded template, filled in, is accepted as is (header names with their notes)."""
    workbook = load_workbook(io.BytesIO(import_sheet.build_template()))
    workbook.worksheets[0].append(row(1))
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(SimpleUploadedFile("t.xlsx", buffer.getvalue()))
    assert result.saved and result.imported == 1


# --- A good file ----------------------------------------------------------------------------------


def test_reg3_good_file_creates_accounts_and_staff_entered_drafts(run, staff, day, centers):
    existing = User.objects.get(username="candidate")
    rows = [
        row(1),
        row(2, 性别="女", 身份证号=make_id(2, male=False), 证书等级="初级工", 现已持证书="汽车维修工"),
        row(3, 姓名=DEMO_CANDIDATE["full_name"], 身份证号=DEMO_CANDIDATE["id_number"], 出生年月="1990-03"),
    ]
    users_before = User.objects.count()
    result = run(xlsx(rows))
    assert result.errors == []
    assert (result.saved, result.imported, result.created_accounts, result.existing_accounts) == (True, 3, 2, 1)
    assert User.objects.count() == users_before + 2

    applications = Application.objects.filter(pk__in=result.application_ids)
    assert applications.count() == 3
    for application in applications:
        assert application.status == Status.DRAFT
        assert application.entered_by == staff
        assert application.scheduled_day == day
        assert application.center == centers["nongan"]
        assert application.transitions.get().actor == staff
    new_user = User.objects.get(id_number=make_id(2, male=False))
    assert new_user.role == "candidate" and new_user.region == centers["nongan"]
    assert not new_user.has_usable_password()
    assert applications.get(candidate=new_user).held_certificate_level == 5
    assert applications.get(candidate=existing).name == DEMO_CANDIDATE["full_name"]


def test_reg3_birth_month_as_excel_date_and_region_by_code(run, centers):
    result = run(xlsx([row(1, 出生年月=datetime.datetime(1985, 6, 1), 所在地区="220122")]))
    assert result.saved and result.imported == 1


# --- Broken rows ------------------------------------------------------------------------------------


@pytest.fixture
def broken_rows(draft):
    """Row 2 is good; every other row is broken in one way; row 12 is good too."""
    bad_checksum = make_id(3)[:-1] + ("0" if make_id(3)[-1] != "0" else "1")
    return [
        row(1),                                                             # 2 good
        row(3, 身份证号=bad_checksum),                                       # 3 checksum
        row(4, 性别="女"),                                                   # 4 gender vs ID
        row(5, 出生年月="1986-06"),                                          # 5 birth month vs ID
        row(6, 姓名=""),                                                     # 6 required
        row(7, 文化程度="小学毕业"),                                          # 7 enum
        row(8, 已从事本职业工作年限="三年"),                                   # 8 number
        row(9, 身份证号=make_id(1)),                                         # 9 duplicate of row 2
        row(10, 姓名=DEMO_CANDIDATE["full_name"], 身份证号=DEMO_CANDIDATE["id_number"], 出生年月="1990-03"),  # 10 live
        row(11, 所在地区="长春市"),                                           # 11 authority (ORG-2)
        row(12),                                                            # 12 good
        row(13, 所在地区="火星"),                                             # 13 unknown region
    ]


EXPECTED = {
    3: "校验位",
    4: "性别与身份证号不一致",
    5: "出生年月",
    6: "姓名不能为空",
    7: "文化程度",
    8: "工作年限应为0至60的整数",
    9: "与第2行重复",
    10: "不能重复申报",
    11: "只负责本县（市）考生",
    13: "火星",
}


def test_reg5_broken_rows_each_reported_and_nothing_saved(run, broken_rows):
    applications, users, transitions = Application.objects.count(), User.objects.count(), \
        ApplicationTransition.objects.count()
    result = run(xlsx(broken_rows))
    assert not result.saved
    reported = {e.row: e.message for e in result.errors}
    assert set(reported) == set(EXPECTED)
    for number, text in EXPECTED.items():
        assert text in reported[number], (number, reported[number])
    assert [g.row for g in result.good] == [2, 12]
    assert (Application.objects.count(), User.objects.count(), ApplicationTransition.objects.count()) == (
        applications, users, transitions)


def test_reg3_only_good_rows_saves_exactly_the_good_ones(run, broken_rows, day):
    before = set(Application.objects.values_list("pk", flat=True))
    result = run(xlsx(broken_rows), only_good_rows=True)
    assert result.saved and result.imported == 2 and len(result.errors) == len(EXPECTED)
    created = Application.objects.exclude(pk__in=before)
    assert sorted(created.values_list("id_number", flat=True)) == sorted([make_id(1), make_id(12)])
    assert not User.objects.filter(id_number__in=[make_id(n) for n in (4, 5, 6, 7, 8)]).exists()


def test_reg3_id_number_turned_into_a_number_by_excel_is_explained(run):
    result = run(xlsx([row(1, 身份证号=float(make_id(1)[:17] + "0"))]))
    assert not result.saved
    assert "文本格式" in result.errors[0].message


def test_reg3_certificate_level_without_certificate_and_bad_phone(run):
    result = run(xlsx([row(1, 证书等级="初级工"), row(2, 联系电话="abc"), row(3, 证书等级="六级", 现已持证书="x")]))
    messages = {e.row: e.message for e in result.errors}
    assert "请同时填写现已持证书名称" in messages[2]
    assert "联系电话格式不正确" in messages[3]
    assert "证书等级“六级”不在可选范围内" in messages[4]


def test_reg3_existing_account_with_other_name_refused(run):
    result = run(xlsx([row(1, 姓名="李四", 身份证号=DEMO_CANDIDATE["id_number"], 出生年月="1990-03")]))
    assert "姓名与表格中的姓名不一致" in result.errors[0].message


def test_reg3_staff_account_id_cannot_become_a_candidate(run, demo_user):
    examiner = demo_user("examiner")
    examiner.id_number = make_id(40)
    examiner.save(update_fields=["id_number"])
    result = run(xlsx([row(40)]))
    assert "不能作为考生导入" in result.errors[0].message


# --- File-level refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (b"just some text, renamed to .xlsx\n", "不是有效的 Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls"),
        (b"", "空的"),
    ],
)
def test_reg3_file_that_is_not_xlsx_refused_by_content(run, content, message):
    with pytest.raises(ValidationError) as info:
        run(SimpleUploadedFile("考生.xlsx", content))
    assert message in info.value.messages[0]


def test_reg3_zip_that_is_not_a_workbook_refused(run):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError, match="不是有效的 Excel"):
        run(SimpleUploadedFile("a.xlsx", buffer.getvalue()))


@pytest.mark.parametrize("headers, rows, message", [
    (None, [], "工作表是空的"),
    (import_sheet.HEADERS, [], "没有考生数据"),
    (import_sheet.HEADERS[:-2], [["张三"]], "表头缺少以下列：证书等级、所在地区"),
])
def test_reg3_empty_sheet_or_bad_header_refused(run, headers, rows, message):
    with pytest.raises(ValidationError) as info:
        run(xlsx(rows, headers=headers))
    assert message in info.value.messages[0]


def test_reg3_more_than_5000_rows_refused(run):
    with pytest.raises(ValidationError, match="超过5000行"):
        run(xlsx([[f"考生{n}"] for n in range(import_sheet.MAX_ROWS + 1)]))
    assert not Application.objects.filter(name="考生1").exists()


# --- Authority and permissions ---------------------------------------------------------------------


def test_org2_staff_cannot_import_into_another_centers_day(run, demo_user):
    with pytest.raises(PermissionDenied):
        run(xlsx([row(1)]), staff=demo_user("staff_gongzhuling"))


def test_org6_unified_occupation_needs_the_unified_appraisal(run, occupation):
    with pytest.raises(ValidationError, match="统一鉴定职业"):
        run(xlsx([row(1)]), occupation=occupation("企业人力资源管理师"), level=4)


def test_org7_school_staff_default_affiliation_is_their_school(client, demo_user, centers, open_day, occupation):
    """A school body imports its own students: no 所在地区 means 'student of this school'."""
    staff = demo_user("staff_school")
    day = open_day(centers["school"])
    result = imports.import_file(
        xlsx([row(1)]), staff=staff, occupation=occupation(OCCUPATION), level=5, target=day
    )
    assert result.saved, result.errors
    assert User.objects.get(id_number=make_id(1)).school == centers["school"]


@pytest.mark.parametrize("username", ["candidate", "examiner", "hr_official"])
def test_reg3_only_center_staff_may_import(client, demo_user, username):
    client.force_login(demo_user(username))
    assert client.get(reverse("registration:bulk_import")).status_code == 403
    assert client.get(reverse("registration:bulk_import_template")).status_code == 403


# --- Queries ---------------------------------------------------------------------------------------


def test_reg3_query_count_does_not_grow_with_rows(run):
    """Bulk look-ups and bulk inserts: the same queries for 5 rows as for 20 (one insert batch on
    every backend), and only a few more inserts (SQLite's parameter limit) for 300."""
    counts = []
    run(xlsx([row(50)]))  # warm-up: the working-day calendar is cached after the first deadline
    for start, size in ((100, 5), (200, 20), (400, 300)):
        with CaptureQueriesContext(connection) as queries:
            result = run(xlsx([row(n) for n in range(start, start + size)]))
        assert result.imported == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[2] <= counts[0] + 20, counts


# --- The page ----------------------------------------------------------------------------------------


def test_reg3_upload_page_lists_bad_rows_then_imports_good_rows_on_request(
    client, staff, day, occupation, broken_rows, django_capture_on_commit_callbacks
):
    """The upload starts a background job (run here at the commit, as the embedded default runs it);
    its page shows the report: the bad rows and nothing imported, then, asked for, the good rows."""
    assert client.login(username="staff_nongan", password=DEMO_PASSWORD)
    page = client.get(reverse("registration:bulk_import"))
    assert page.status_code == 200
    key = f"day:{day.pk}"
    assert key in page.content.decode()
    data = {"occupation": occupation(OCCUPATION).pk, "level": 5, "target": key}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registration:bulk_import"), {**data, "file": xlsx(broken_rows)})
    assert response.status_code == 302 and response.url.startswith("/jobs/")
    html = client.get(response.url).content.decode()
    assert "未导入任何数据" in html
    for number in EXPECTED:
        assert f"第{number}行" in html
    assert not Application.objects.filter(id_number=make_id(1)).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registration:bulk_import"), {**data, "file": xlsx(broken_rows), "only_good_rows": "on"}
        )
    html = client.get(response.url).content.decode()
    assert "导入完成" in html and "已导入 2 名考生的申报草稿。" in html
    assert Application.objects.filter(id_number__in=[make_id(1), make_id(12)], entered_by=staff).count() == 2


def test_reg3_upload_page_refuses_a_text_file_with_a_message(client, staff, day, occupation):
    client.force_login(staff)
    response = client.post(reverse("registration:bulk_import"), {
        "occupation": occupation(OCCUPATION).pk, "level": 5, "target": f"day:{day.pk}",
        "file": SimpleUploadedFile("名单.xlsx", "姓名,身份证号\n张三,1\n".encode()),
    })
    assert response.status_code == 400
    assert "不是有效的 Excel" in response.content.decode()


def test_reg3_upload_page_refuses_a_day_outside_the_staff_scope(client, demo_user, centers, open_day, occupation):
    other_day = open_day(centers["gongzhuling"])
    client.force_login(demo_user("staff_nongan"))
    response = client.post(reverse("registration:bulk_import"), {
        "occupation": occupation(OCCUPATION).pk, "level": 5, "target": f"day:{other_day.pk}",
        "file": xlsx([row(1)]),
    })
    assert response.status_code == 400
    assert "管辖范围" in response.content.decode()
    assert not Application.objects.filter(id_number=make_id(1)).exists()
