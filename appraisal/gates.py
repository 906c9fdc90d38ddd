"""Role gates: the role groups, one view decorator and one DRF permission built on them.

Who may open which page is decided by a role group here and, for the data on it, by the authority
engine (`appraisal.authority`) and the apps' selectors. Views never list roles themselves."""

from collections.abc import Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from appraisal.models import STAFF_ROLES, Role

# The groups every app speaks of. A frozenset of role values each.
CANDIDATES = frozenset({Role.CANDIDATE})
# The people of an appraisal center who act on applications, sessions and scores.
CLERKS = frozenset({Role.CENTER_STAFF, Role.PROVINCE_ADMIN})
EXAMINERS = frozenset({Role.EXAMINER})
HR_OFFICIALS = frozenset({Role.HR_OFFICIAL})
# Everyone on the staff side, who read within their scope (examiners and HR officials only read).
STAFF = frozenset(STAFF_ROLES)

_REFUSALS = {
    CANDIDATES: _("此页面仅限考生使用。"),
    CLERKS: _("此页面仅限鉴定机构工作人员使用。"),
    HR_OFFICIALS: _("此页面仅限人社部门工作人员使用。"),
    STAFF: _("此页面仅限工作人员使用。"),
}


def has_role(user, roles: Iterable[str]) -> bool:
    """Whether a logged-in user's role is one of `roles`."""
    return bool(user is not None and user.is_authenticated and user.role in roles)


def require_role(user, roles: frozenset, message=None) -> None:
    """Refuse (PermissionDenied, in Chinese) a user whose role is not in `roles`."""
    if not has_role(user, roles):
        raise PermissionDenied(message or _REFUSALS.get(roles, _("您没有权限执行此操作。")))


def role_required(roles: frozenset, message=None):
    """View decorator: anonymous visitors go to the login page, a logged-in user of another role
    gets the 403 page with the reason in Chinese."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require_role(request.user, roles, message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def HasRole(roles: frozenset, message=None) -> type[BasePermission]:  # noqa: N802 (a class factory)
    """DRF permission class for `roles`: `permission_classes = [HasRole(CLERKS)]`."""

    class _HasRole(BasePermission):
        def has_permission(self, request, view):
            if not has_role(request.user, roles):
                self.message = str(message or _REFUSALS.get(roles, _("您没有权限执行此操作。")))
                return False
            return True

    _HasRole.__name__ = "HasRole"
    return _HasRole
