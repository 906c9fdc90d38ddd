from io import StringIO

from django.core.management import call_command

from exams.models import ExaminerQualification, Room, Site


def test_load_demo_adds_exam_sites_and_examiner_qualifications_once(db, monkeypatch):
    monkeypatch.setattr("stats.demo.load", lambda **kwargs: None)  # its own cities' sites, tested in tests/stats
    call_command("load_demo", "--quiet", stdout=StringIO())
    counts = (Site.objects.count(), Room.objects.count(), ExaminerQualification.objects.count())
    assert counts[0] == 2 and counts[1] == 4 and counts[2] == 4
    call_command("load_demo", "--quiet", stdout=StringIO())
    assert (Site.objects.count(), Room.objects.count(), ExaminerQualification.objects.count()) == counts
