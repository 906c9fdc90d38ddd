"""Excel import of a session's scores (EXAM-6): the template, every bad row reported and nothing
saved, the services' rules (permission, recusal, publication, audit), and queries that grow with
batches, not rows."""

import io
import math
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from appraisal.models import Role, User
from exams import scoring, services
from exams.models import DeclaredRelation, Score, ScoreChange, SeatAssignment, Subject
from exams.services import score_import


@pytest.fixture
def big_room(site, demo_user):
    return services.add_room(actor=demo_user("staff_nongan"), site=site, name="第三考场（大）", capacity=1000)


def seat_all(session, make_applications, demo_user, examiner, n, start=0):
    make_applications(n, start=start)
    staff = demo_user("staff_nongan")
    services.assign_seats_automatically(session=session, actor=staff)
    if not session.examiners.filter(examiner=examiner).exists():
        services.assign_examiner(session=session, examiner=examiner, actor=staff)
    return list(SeatAssignment.objects.filter(session=session).select_related("application").order_by("pk"))


@pytest.fixture
def seated(session, make_applications, demo_user, examiner):
    return seat_all(session, make_applications, demo_user, examiner, 3)


def xlsx(rows, header=("准考证号", "姓名", "理论知识", "操作技能")) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("成绩.xlsx", buffer.getvalue(), content_type=scoring.XLSX_CONTENT_TYPE)


def test_exam6_template_lists_the_seated_candidates_and_only_the_session_subjects(seated, session):
    book = load_workbook(io.BytesIO(scoring.build_template(session)))
    rows = list(book.worksheets[0].values)
    assert rows[0] == ("准考证号", "姓名", "理论知识", "操作技能")  # level 5: no 综合评审
    assert {(r[0], r[1]) for r in rows[1:]} == {(s.ticket_number, s.application.name) for s in seated}
    assert all(isinstance(r[0], str) for r in rows[1:])  # ticket numbers stay text


def test_exam6_import_happy_path_writes_scores_and_audit(seated, session, examiner):
    report = services.import_scores(session, xlsx([
        (s.ticket_number, s.application.name, 70 + i, "59.5") for i, s in enumerate(seated)
    ]), examiner)
    assert report.saved and not report.errors
    assert (report.created, report.updated, report.total_rows) == (6, 0, 3)
    theory = Score.objects.get(application=seated[0].application, subject=Subject.THEORY)
    skill = Score.objects.get(application=seated[0].application, subject=Subject.SKILL)
    assert (theory.value, theory.passed, skill.value, skill.passed) == (Decimal("70"), True, Decimal("59.5"), False)
    assert theory.entered_by == examiner
    change = ScoreChange.objects.get(score=theory)
    assert (change.old_value, change.new_value, change.changed_by, change.reason) == (None, Decimal("70"), examiner, "录入")

    # The same file again changes nothing; a changed score needs a reason, then is audited.
    again = services.import_scores(session, xlsx([
        (s.ticket_number, s.application.name, 70 + i, "59.5") for i, s in enumerate(seated)
    ]), examiner)
    assert again.saved and (again.created, again.updated, again.unchanged) == (0, 0, 6)
    changed = xlsx([(seated[0].ticket_number, seated[0].application.name, 72, "")])
    refused = services.import_scores(session, changed, examiner)
    assert not refused.saved and "原因" in refused.errors[0].message and refused.errors[0].row == 2
    theory.refresh_from_db()
    assert theory.value == Decimal("70")
    done = services.import_scores(session, changed, examiner, reason="复核合分错误")
    assert done.saved and done.updated == 1
    theory.refresh_from_db()
    assert theory.value == Decimal("72")
    last = theory.changes.order_by("-id").first()
    assert (last.old_value, last.new_value, last.reason) == (Decimal("70.0"), Decimal("72"), "复核合分错误")


def test_exam6_import_reports_every_bad_row_and_saves_nothing(seated, session, examiner, make_applications,
                                                              demo_user):
    a, b, c, d = seat_all(session, make_applications, demo_user, examiner, 1, start=3)
    report = services.import_scores(session, xlsx([
        (a.ticket_number, a.application.name, 80, 80, None),          # row 2: good
        ("99999999999999", "张三", 80, 80, None),                       # row 3: unknown candidate
        (b.ticket_number, "李四", 80, 80, None),                         # row 4: name does not match
        (c.ticket_number, c.application.name, 101, -1, None),          # row 5: out of range
        (a.ticket_number, a.application.name, 80, 80, None),          # row 6: duplicate ticket
        (d.ticket_number, d.application.name, "八十", 80, 75),          # row 7: text; no 综合评审 at level 5
        ("", "", 60, None, None),                                      # row 8: no ticket
    ], header=("准考证号", "姓名", "理论知识", "操作技能", "综合评审")), examiner)
    assert not report.saved
    by_row = {e.row: e.message for e in report.errors}
    assert set(by_row) == {3, 4, 5, 6, 7, 8}
    assert "不属于本场次" in by_row[3] and "未知考生" in by_row[3]
    assert "李四" in by_row[4] and "不一致" in by_row[4]
    assert "理论知识" in by_row[5] and "0到100" in by_row[5] and "操作技能" in by_row[5]
    assert "与第2行重复" in by_row[6]
    assert "不是数字" in by_row[7] and "没有“综合评审”" in by_row[7]
    assert "准考证号为空" in by_row[8]
    assert not Score.objects.filter(session=session).exists()  # the good row 2 was not saved either
    assert not ScoreChange.objects.exists()


@pytest.mark.parametrize("content, message", [
    (b"just some text", "不是有效的 Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel"),
    (b"", "空的"),
])
def test_exam6_import_judges_the_file_by_content(seated, session, examiner, content, message):
    with pytest.raises(ValidationError, match=message):
        services.import_scores(session, SimpleUploadedFile("scores.xlsx", content), examiner)


def test_exam6_import_refuses_a_zip_that_is_not_a_workbook(seated, session, examiner):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ValidationError, match="不是有效的 Excel"):
        services.import_scores(session, SimpleUploadedFile("scores.xlsx", buffer.getvalue()), examiner)


def test_exam6_import_needs_the_header(seated, session, examiner):
    with pytest.raises(ValidationError, match="准考证号"):
        services.import_scores(session, xlsx([("x", 1)], header=("考号", "姓名", "理论知识")), examiner)


def test_exam6_import_by_an_unassigned_examiner_is_refused(seated, session, centers):
    other = User.objects.create(username="examiner_x", role=Role.EXAMINER, center=centers["nongan"])
    with pytest.raises(PermissionDenied):
        services.import_scores(session, xlsx([(seated[0].ticket_number, seated[0].application.name, 80, 80)]), other)
    assert not Score.objects.exists()


def test_exam5_exam6_import_refuses_rows_of_a_recused_candidate(seated, session, examiner):
    relative = seated[1]
    DeclaredRelation.objects.create(examiner=examiner, candidate=relative.application.candidate, relation="表兄弟")
    report = services.import_scores(session, xlsx([
        (s.ticket_number, s.application.name, 80, 80) for s in seated
    ]), examiner)
    assert not report.saved
    assert [e.row for e in report.errors] == [3]
    assert "回避" in report.errors[0].message
    assert not Score.objects.exists()


def test_exam7_import_after_publication_is_refused(seated, session, examiner, demo_user):
    rows = [(s.ticket_number, s.application.name, 80, 80) for s in seated]
    assert services.import_scores(session, xlsx(rows), examiner).saved
    services.publish_session(session=session, actor=demo_user("staff_nongan"))
    with pytest.raises(ValidationError, match="更正申请"):
        services.import_scores(session, xlsx([r[:2] + (90, 90) for r in rows]), examiner, reason="改分")
    assert set(Score.objects.values_list("value", flat=True)) == {Decimal("80")}


def _insert_batches(model, n):
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    size = min(score_import.BATCH, connection.ops.bulk_batch_size(fields, [None] * n) or score_import.BATCH)
    return math.ceil(n / size)


def test_exam6_import_queries_grow_with_batches_not_rows(session, big_room, make_applications, demo_user,
                                                         examiner):
    seats = seat_all(session, make_applications, demo_user, examiner, 550)
    small, large = seats[:50], seats[50:]
    counts = []
    for part in (small, large):
        upload = xlsx([(s.ticket_number, s.application.name, 75, 65) for s in part])
        with CaptureQueriesContext(connection) as queries:
            report = services.import_scores(session, upload, examiner)
        assert report.saved and report.created == 2 * len(part)
        counts.append(len(queries))
    assert Score.objects.filter(session=session).count() == 1100
    assert ScoreChange.objects.count() == 1100
    # On PostgreSQL a batch holds 1,000 rows: the counts are equal. SQLite caps a statement at 999
    # parameters, so its batches are smaller: only those extra insert batches may differ.
    extra = sum(_insert_batches(model, 1000) - _insert_batches(model, 100) for model in (Score, ScoreChange))
    assert counts[1] - counts[0] <= extra, counts
    assert counts[1] < 60, counts  # one query per row would be over 1,000
    if connection.vendor == "postgresql":
        assert counts[0] == counts[1]


def test_the_score_template_is_formula_free_even_with_hostile_names(session, make_applications, demo_user):
    """Names typed by candidates go into the template: none may become a formula when opened."""
    import io

    from openpyxl import load_workbook

    application = make_applications(1)[0]
    type(application).objects.filter(pk=application.pk).update(name='=HYPERLINK("http://x","点击")')
    services.assign_seats_automatically(session=session, actor=demo_user("staff_nongan"))
    workbook = load_workbook(io.BytesIO(scoring.build_template(session)))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert '=HYPERLINK("http://x","点击")' in {cell.value for cell in cells}
