"""Sites and their rooms (EXAM-4)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal.models import Center
from exams.models import Room, Site
from exams.services.common import require_manager


@transaction.atomic
def create_site(*, actor, center: Center, name: str, address: str) -> Site:
    require_manager(actor, center)
    site = Site(center=center, name=name.strip(), address=address.strip())
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def add_room(*, actor, site: Site, name: str, capacity: int, equipment: str = "") -> Room:
    require_manager(actor, site.center)
    if not isinstance(capacity, int) or capacity < 1 or capacity > 1000:
        raise ValidationError({"capacity": [_("考位数必须是1到1000之间的整数。")]})
    room = Room(site=site, name=name.strip(), capacity=capacity, equipment=equipment.strip())
    room.full_clean()
    room.save()
    return room
