from django import template

from appraisal.idnumbers import mask_id_number

register = template.Library()

WEEKDAYS = "一二三四五六日"


@register.filter
def weekday_cn(day):
    """2017-05-20 -> 周六"""
    return f"周{WEEKDAYS[day.weekday()]}" if day else ""


@register.filter
def masked_id(value):
    return mask_id_number(value)
