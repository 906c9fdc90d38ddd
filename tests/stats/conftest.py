"""Fixtures of the statistics tests: generated records in 2025 Q3, and staff of each kind."""

import pytest

from appraisal.models import Role, User
from tests.stats.generated import generate, standard_centers

YEAR, QUARTER = 2025, 3


@pytest.fixture
def generated(db, centers):
    chosen = standard_centers(centers)
    return chosen, generate(chosen, year=YEAR, quarter=QUARTER)


@pytest.fixture
def people(db, centers):
    """Demo logins by role, and staff of 吉林市 made here."""
    found = {u.username: u for u in User.objects.filter(username__in=[
        "province_admin", "staff_changchun", "staff_nongan", "staff_gongzhuling", "examiner", "hr_official",
        "candidate"])}
    found["staff_jilin"] = User.objects.create_user(username="staff_jilin_stats", password="x", role=Role.CENTER_STAFF,
                                                    center=centers["jilin_city"], full_name="吉林市员")
    return found
