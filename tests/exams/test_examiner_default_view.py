"""EXAM-5: read-only users open on their own work: an examiner's session list defaults to
我参与的场次 (the sessions they are assigned to), and "全部可见场次" still lists what their scope shows."""

from django.urls import reverse

from exams import selectors


def _listed(response):
    return {s.pk for s in response.context["page"].paginator.object_list}


def test_exam5_examiner_session_list_defaults_to_their_own_sessions(client, demo_user):
    examiner = demo_user("examiner")
    client.force_login(examiner)
    response = client.get(reverse("exams:session_list"))
    assert response.status_code == 200
    assert response.context["form"]["scope"].value() == "mine"
    assert "我参与的场次" in response.content.decode()
    assert _listed(response) == set(selectors.sessions_to_mark(examiner).values_list("pk", flat=True))
    everything = client.get(reverse("exams:session_list"), {"scope": "all"})
    assert _listed(everything) == set(selectors.sessions_for(examiner).values_list("pk", flat=True))


def test_exam5_clerks_have_no_scope_filter(client, demo_user):
    client.force_login(demo_user("staff_nongan"))
    response = client.get(reverse("exams:session_list"))
    assert "scope" not in response.context["form"].fields
