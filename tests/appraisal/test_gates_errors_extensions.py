"""The one gate (appraisal/gates.py), the one error path (appraisal/errors.py) and the extension
points (appraisal/extensions.py) that every app builds on."""

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from appraisal import extensions, gates
from appraisal.errors import add_service_errors, api_exception_handler
from appraisal.models import Center, User
from registration.models import Application


@pytest.fixture
def users(db):
    return {u.username: u for u in User.objects.filter(username__in=["candidate", "staff_nongan", "examiner"])}


def test_org8_role_required_sends_visitors_to_login_and_refuses_other_roles_in_chinese(users):
    view = gates.role_required(gates.CLERKS)(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/x/")
    request.user = AnonymousUser()
    assert view(request).status_code == 302
    request.user = users["candidate"]
    with pytest.raises(PermissionDenied, match="此页面仅限鉴定机构工作人员使用。"):
        view(request)
    request.user = users["staff_nongan"]
    assert view(request).content == b"ok"


def test_has_role_permission_gives_the_reason(users):
    class ClerksOnly(APIView):
        permission_classes = [gates.HasRole(gates.CLERKS, "仅限鉴定机构。")]

        def get(self, request):
            return HttpResponse("ok")

    factory = APIRequestFactory()
    request = factory.get("/x/")
    force_authenticate(request, user=users["examiner"])
    response = ClerksOnly.as_view()(request)
    assert response.status_code == 403
    assert str(response.data["detail"]) == "仅限鉴定机构。"
    request = factory.get("/x/")
    force_authenticate(request, user=users["staff_nongan"])
    assert ClerksOnly.as_view()(request).status_code == 200


@pytest.mark.parametrize(
    ("exc", "status", "body"),
    [
        (ValidationError({"phone": ["电话号码格式不正确。"]}), 400, {"phone": ["电话号码格式不正确。"]}),
        (ValidationError("报名已截止。"), 400, {"detail": ["报名已截止。"]}),
        (PermissionDenied("只有鉴定机构工作人员可以登记缴费。"), 403, {"detail": "只有鉴定机构工作人员可以登记缴费。"}),
        (Application.DoesNotExist(), 404, {"detail": "申报不存在或您无权查看。"}),
        (Center.DoesNotExist(), 404, {"detail": "记录不存在或您无权查看。"}),
    ],
)
def test_services_django_errors_become_api_answers_with_the_chinese_message(db, exc, status, body):
    response = api_exception_handler(exc, {})
    assert response.status_code == status
    assert {key: (value if isinstance(value, list) else str(value)) for key, value in response.data.items()} == body


def test_an_unexpected_error_is_left_to_django():
    assert api_exception_handler(RuntimeError("boom"), {}) is None


class PhoneForm(forms.Form):
    phone = forms.CharField(required=False)
    full_name = forms.CharField(required=False)


def test_service_errors_land_on_the_form_fields_aliases_and_top():
    form = PhoneForm(data={})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"phone": "电话不对。", "name": "姓名不符。", "level": "等级不对。"}),
                       aliases={"name": "full_name"})
    assert form.errors["phone"] == ["电话不对。"]
    assert form.errors["full_name"] == ["姓名不符。"]
    assert form.non_field_errors() == ["等级不对。"]
    form = PhoneForm(data={})
    form.is_valid()
    add_service_errors(form, ValidationError(["一。", "二。"]))
    assert form.non_field_errors() == ["一。", "二。"]


def test_extension_point_collects_once_and_gives_the_first_refusal(monkeypatch):
    point = extensions.ExtensionPoint("test_point", "A point for this test.")
    allow = point.register(lambda application: None)
    point.register(lambda application: "已发证，不能撤回。")
    point.register(allow)
    assert len(point.implementations) == 2
    assert point.first_refusal(object()) == "已发证，不能撤回。"


def test_every_extension_point_is_documented_and_exams_plugs_in():
    """One place lists every point; exams' guard and form cells are registered by its AppConfig."""
    assert all(point.__doc__ and point.name for point in extensions.POINTS)
    names = {impl.__name__ for impl in extensions.PAYMENT_WITHDRAWAL_GUARDS.implementations}
    assert "seated_guard" in names
    cells = {impl.__name__ for impl in extensions.APPLICATION_FORM_CELLS.implementations}
    assert "published_scores_for_forms" in cells


def test_refusals_and_cache_failures_are_logged_in_one_line_server_errors_keep_their_traceback():
    import logging
    import sys

    from appraisal.logging import OneLineUnlessServerError

    def record(status):
        try:
            raise PermissionDenied("此页面仅限考生使用。")
        except PermissionDenied:
            exc_info = sys.exc_info()
        return logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x/",),
                                 exc_info)

    refused = record(403)
    refused.status_code = 403
    OneLineUnlessServerError().filter(refused)
    assert refused.exc_info is None
    assert refused.getMessage() == "Forbidden: /x/ (PermissionDenied: 此页面仅限考生使用。)"
    failed = record(500)
    failed.status_code = 500
    OneLineUnlessServerError().filter(failed)
    assert failed.exc_info is not None


def test_posted_ids_keep_only_row_ids_a_column_can_hold():
    """Ids from a form's checkboxes: ASCII digits within the bigint column, in order, once each;
    everything else is dropped rather than raising (OverflowError on SQLite, ValueError from int())."""
    from appraisal.forms import posted_id, posted_ids

    assert posted_ids(["3", "1", "3", "x", "", "-1", "0", "²", "١٢", " 4", "9223372036854775807",
                       "9223372036854775808", "99999999999999999999"]) == [3, 1, 9223372036854775807]
    assert posted_id("12") == 12 and posted_id(None) is None
