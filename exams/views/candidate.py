"""The candidate's own pages (EXAM-4, EXAM-7, EXAM-8): admission tickets and published scores with
the outcome. Scoped reads in exams.selectors: a candidate sees only their own."""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from appraisal.gates import CANDIDATES, role_required
from exams import marking, selectors, services
from exams.models import Subject

SUBJECT_ORDER = list(Subject.values)
CANDIDATES_ONLY = gettext_lazy("此页面仅供考生本人查看。")


def _ticket_pdf_url(seat_pk):
    try:
        return reverse("exams:ticket_pdf", args=[seat_pk])
    except NoReverseMatch:
        return None


@role_required(CANDIDATES, CANDIDATES_ONLY)
def my_tickets(request):
    tickets = []
    for seat in selectors.candidate_seats(request.user):
        takes = marking.subjects_to_take(seat.application, seat.session.day)
        subjects = [(s, s.subject in takes) for s in seat.session.subjects.all()]
        tickets.append({"seat": seat, "session": seat.session, "subjects": subjects,
                        "pdf_url": _ticket_pdf_url(seat.pk)})
    return render(request, "exams/candidate/tickets.html", {"tickets": tickets})


@role_required(CANDIDATES, CANDIDATES_ONLY)
def my_scores(request):
    published: dict = {}
    for score in selectors.candidate_scores(request.user):
        entry = published.setdefault(score.application_id, {
            "application": score.application, "session": score.session, "scores": []})
        entry["scores"].append(score)
    results = []
    for entry in published.values():
        entry["scores"].sort(key=lambda score: SUBJECT_ORDER.index(score.subject))  # 理论知识, 操作技能, 综合评审
        entry["outcome"] = services.application_outcome(entry["application"])
        entry["failed"] = [s for s in entry["scores"] if not s.passed]
        results.append(entry)
    waiting = [seat for seat in selectors.candidate_seats(request.user)
               if seat.application_id not in published and not seat.session.is_published]
    return render(request, "exams/candidate/scores.html",
                  {"results": results, "waiting": waiting, "today": timezone.localdate()})
