"""Fixtures of the core's tests."""

from types import SimpleNamespace

import pytest

from appraisal import views


@pytest.fixture
def today(monkeypatch):
    """Pin the core pages' "today" (the home page, the calendar) to a given date."""

    def pin(day):
        monkeypatch.setattr(views, "timezone", SimpleNamespace(localdate=lambda: day))
        return day

    return pin
