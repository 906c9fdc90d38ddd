"""Values every page shows: the system name and the province's public hotlines (OTH-2)."""

from django.core.cache import cache

from appraisal import extensions
from appraisal.models import Center, CenterKind

HOTLINES_CACHE_KEY = "appraisal:province-hotlines"


def province_hotlines():
    hotlines = cache.get(HOTLINES_CACHE_KEY)
    if hotlines is None:
        province = (
            Center.objects.filter(kind=CenterKind.PROVINCE)
            .only("name", "supervision_phone", "enquiry_phone", "duty_phone")
            .first()
        )
        hotlines = (
            {
                "center": province.name,
                "supervision": province.supervision_phone,
                "enquiry": province.enquiry_phone,
                "duty": province.duty_phone,
            }
            if province
            else {}
        )
        cache.set(HOTLINES_CACHE_KEY, hotlines, 300)
    return hotlines


def site(request):
    return {"site_name": "吉林省职业技能鉴定管理系统", "hotlines": province_hotlines()}


class _Navigation:
    """The links each place shows the current user, computed only when a template reads them."""

    def __init__(self, user):
        self._user = user
        self._cache: dict[str, list] = {}

    def __getattr__(self, place):
        if place.startswith("_") or place not in extensions.PLACES:
            raise AttributeError(place)
        if place not in self._cache:
            self._cache[place] = extensions.links_for(place, self._user)
        return self._cache[place]


def navigation(request):
    """`nav.topbar`, `nav.home`, `nav.public`: what the installed apps contribute (extensions.py)."""
    return {"nav": _Navigation(request.user)}
