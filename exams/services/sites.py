"""Sites and their rooms (EXAM-4)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal.models import Center
from exams.models import Room, RoomPurpose, Site
from exams.services.common import require_manager


@transaction.atomic
def create_site(*, actor, center: Center, name: str, address: str) -> Site:
    require_manager(actor, center)
    site = Site(center=center, name=name.strip(), address=address.strip())
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def add_room(*, actor, site: Site, name: str, capacity: int, equipment: str = "", purpose: str = RoomPurpose.GENERAL,
             occupations=()) -> Room:
    """EXAM-4: a room with its seats; EXAM-2: a skill workshop names the occupations it serves."""
    require_manager(actor, site.center)
    if not isinstance(capacity, int) or capacity < 1 or capacity > 1000:
        raise ValidationError({"capacity": [_("考位数必须是1到1000之间的整数。")]})
    occupations = list(occupations or ())
    if purpose not in RoomPurpose.values:
        raise ValidationError({"purpose": [_("请选择考场用途。")]})
    if purpose == RoomPurpose.SKILL and not occupations:
        raise ValidationError({"occupations": [_("技能考核场地须至少选择一个服务职业。")]})
    if purpose != RoomPurpose.SKILL and occupations:
        raise ValidationError({"occupations": [_("只有技能考核场地登记服务职业；为职业配备设备的场地请选择“技能考核场地”。")]})
    room = Room(site=site, name=name.strip(), capacity=capacity, equipment=equipment.strip(), purpose=purpose)
    room.full_clean()
    room.save()
    room.occupations.set(occupations)
    return room
