"""Keep cached values true when their source rows change."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from appraisal.context_processors import HOTLINES_CACHE_KEY
from appraisal.models import Center, WorkdayOverride
from appraisal.workdays import overrides_cache_key


@receiver([post_save, post_delete], sender=Center)
def forget_hotlines(**kwargs):
    cache.delete(HOTLINES_CACHE_KEY)


@receiver([post_save, post_delete], sender=WorkdayOverride)
def forget_workday_overrides(instance, **kwargs):
    cache.delete(overrides_cache_key(instance.day.year))
