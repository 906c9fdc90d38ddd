"""MSG-1, MSG-2: messages and channel choices have admin pages for the operators (superusers): list and
change pages open, nothing is added, changed or deleted there (the services write them), and a
candidate known only by their login name (their ID number) is shown masked, never in full."""

import pytest
from django.urls import reverse

from appraisal.messaging.models import ChannelPreference, Message, MessageKind
from appraisal.models import Role, User

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def admin_client(client, demo_user):
    client.force_login(demo_user("province_admin"))
    return client


@pytest.fixture
def nameless():
    """A candidate without a name on file: the admin has only the login name, an ID number."""
    return User.objects.create_user(
        username=ID_NUMBER, id_number=ID_NUMBER, role=Role.CANDIDATE, password="x"
    )


@pytest.fixture
def message(nameless):
    return Message.objects.create(
        recipient=nameless,
        kind=MessageKind.APPLICATION_SUBMITTED,
        event="application:1:submitted",
        title="申报已提交",
        body="您的申报已提交。",
    )


@pytest.fixture
def preference(nameless):
    return ChannelPreference.objects.create(user=nameless, sms=True, email=False)


@pytest.mark.parametrize(("model_name", "obj"), [("message", "message"), ("channelpreference", "preference")])
def test_msg2_admin_pages_open_and_mask_the_id_number(admin_client, request, model_name, obj):
    row = request.getfixturevalue(obj)
    for url in (
        reverse(f"admin:appraisal_{model_name}_changelist"),
        reverse(f"admin:appraisal_{model_name}_changelist") + "?q=申报",
        reverse(f"admin:appraisal_{model_name}_change", args=[row.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert ID_NUMBER not in page
    assert (
        "110105********002X"
        in admin_client.get(reverse(f"admin:appraisal_{model_name}_changelist")).content.decode()
    )


def test_msg1_a_message_is_not_changed_added_or_deleted_in_the_admin(admin_client, message):
    change = reverse("admin:appraisal_message_change", args=[message.pk])
    assert 'name="_save"' not in admin_client.get(change).content.decode()
    response = admin_client.post(change, {"title": "改过的标题", "body": "改过"})
    assert response.status_code == 403
    message.refresh_from_db()
    assert (message.title, message.body) == ("申报已提交", "您的申报已提交。")
    assert admin_client.get(reverse("admin:appraisal_message_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:appraisal_message_delete", args=[message.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Message.objects.filter(pk=message.pk).exists()


def test_msg2_a_channel_choice_is_changed_on_the_profile_not_in_the_admin(admin_client, preference):
    response = admin_client.post(
        reverse("admin:appraisal_channelpreference_change", args=[preference.pk]), {"sms": "", "email": "on"}
    )
    assert response.status_code == 403
    preference.refresh_from_db()
    assert (preference.sms, preference.email) == (True, False)


def test_msg2_staff_without_superuser_do_not_see_messages(client, demo_user, message):
    staff = demo_user("staff_nongan")
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=staff.pk))
    assert client.get(reverse("admin:appraisal_message_changelist")).status_code == 403
    assert "appraisal/message/" not in client.get(reverse("admin:index")).content.decode()
