"""What every service of exams checks first: that the actor manages the center concerned (ORG-8)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from appraisal import authority


def require_manager(actor, center) -> None:
    """Refuse (403) an actor who may not act for `center`."""
    if not authority.can_manage_center(actor, center):
        raise PermissionDenied(_("%(center)s不在您的管辖范围内。") % {"center": center.name})
