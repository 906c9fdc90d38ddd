"""Reference rows read on every submission: the REG-6 conditions and the FEE-1 fees of one
occupation level, served from the shared cache.

They change a few times a year (staff in the admin, the fee loader) and are read by every submit,
the busiest write of the season, so they are cached per occupation level under a generation
number. Changing any of them moves the generation (registration/signals.py), and every worker sees
the change at its next read. The time limit only bounds what a bulk update that skips the signals
could leave stale.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction

from appraisal.models import EligibilityCondition

GENERATION_KEY = "registration:refdata:generation"
CACHE_SECONDS = 600


@dataclass(frozen=True)
class LevelReference:
    conditions: tuple[EligibilityCondition, ...]
    fees: tuple[tuple[datetime.date, Decimal], ...]  # (effective_from, amount), newest first

    def fee_on(self, day: datetime.date) -> Decimal | None:
        return next((amount for effective_from, amount in self.fees if effective_from <= day), None)


def _load(occupation_id, level) -> LevelReference:
    from registration.models import FeeSchedule

    conditions = EligibilityCondition.objects.filter(
        occupation_level__occupation_id=occupation_id, occupation_level__level=level
    ).order_by("id")
    fees = (
        FeeSchedule.objects.filter(occupation_id=occupation_id, level=level)
        .order_by("-effective_from")
        .values_list("effective_from", "amount")
    )
    return LevelReference(tuple(conditions), tuple(fees))


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # First read, or the key was evicted: a new number no cached value can carry.
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY)
    return generation


def for_level(occupation_id, level) -> LevelReference:
    """The conditions and fees of one occupation level (two cache reads when warm)."""
    generation = _generation()
    key = f"registration:refdata:{generation}:{occupation_id}:{level}"
    reference = cache.get(key)
    if reference is None:
        reference = _load(occupation_id, level)
        cache.set(key, reference, CACHE_SECONDS)
    return reference


def forget() -> None:
    """Every cached level is out of date: called when a condition, level or fee changes. Again after
    commit, so that a reader who cached the old rows while the change was uncommitted is not believed."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there (yet, or evicted): any fresh number will do
        cache.set(GENERATION_KEY, time.time_ns(), None)
