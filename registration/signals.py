"""Keep the cached reference data true when its source rows change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from appraisal.models import EligibilityCondition, OccupationLevel
from registration import reference_cache
from registration.models import FeeSchedule


@receiver([post_save, post_delete], sender=EligibilityCondition)
@receiver([post_save, post_delete], sender=OccupationLevel)
@receiver([post_save, post_delete], sender=FeeSchedule)
def forget_reference_data(**kwargs):
    reference_cache.forget()
