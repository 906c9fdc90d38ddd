"""Values every page shows: the system name and the province's public hotlines (OTH-2)."""

from django.core.cache import cache

from appraisal.models import Center, CenterKind

HOTLINES_CACHE_KEY = "appraisal:province-hotlines"


def province_hotlines():
    hotlines = cache.get(HOTLINES_CACHE_KEY)
    if hotlines is None:
        province = Center.objects.filter(kind=CenterKind.PROVINCE).only(
            "name", "supervision_phone", "enquiry_phone", "duty_phone"
        ).first()
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
