from django import template

from appraisal.idnumbers import mask_id_number
from appraisal.selectors import short_center_name

register = template.Library()

WEEKDAYS = "一二三四五六日"


@register.filter
def weekday_cn(day):
    """2017-05-20 -> 周六"""
    return f"周{WEEKDAYS[day.weekday()]}" if day else ""


@register.filter
def masked_id(value):
    return mask_id_number(value)


@register.filter
def place_name(center_name):
    """农安县职业技能鉴定中心 -> 农安县: a center's name where the page speaks of a place."""
    return short_center_name(center_name) if center_name else ""
