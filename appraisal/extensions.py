"""Every extension point of the project, in one place.

Apps depend one way only: appraisal ← registration ← exams ← certificates ← stats (an arrow reads
"is imported by"). Where an earlier step must learn something from a later one, it asks through
a point defined here, and the later app plugs in from its `AppConfig.ready()`:

    from appraisal import extensions
    extensions.PAYMENT_WITHDRAWAL_GUARDS.register(seated_guard)

Points that refuse (the `*_GUARDS`) collect reasons: each implementation returns a Chinese reason
to refuse, or None, and the asking service refuses with the first reason. The navigation is a point
too: each app contributes its links to the top bar, the home pages and the public pages
(`contribute`), and the core's templates show what is contributed for the user's role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


class ExtensionPoint:
    """A named list of implementations that a later app adds to. Registering twice (a second
    `ready()` in tests) keeps one."""

    def __init__(self, name: str, doc: str):
        self.name = name
        self.__doc__ = doc
        self._implementations: list[Callable] = []

    def register(self, implementation: Callable) -> Callable:
        if implementation not in self._implementations:
            self._implementations.append(implementation)
        return implementation

    @property
    def implementations(self) -> tuple[Callable, ...]:
        return tuple(self._implementations)

    def first_refusal(self, *args: Any) -> str | None:
        """For guards: the first reason an implementation gives to refuse, or None."""
        for implementation in self._implementations:
            reason = implementation(*args)
            if reason:
                return str(reason)
        return None

    def __repr__(self) -> str:
        return f"<ExtensionPoint {self.name}: {len(self._implementations)} implementation(s)>"


# --- The application (申报) and its form -----------------------------------------------------------

APPLICATION_FORM_CELLS = ExtensionPoint(
    "application_form_cells",
    """REG-1: cells of the 申报表 filled by later steps (鉴定成绩, 证书编号). An implementation takes
    a list of saved applications and returns {application pk: {cell name: text}}.""",
)

PAYMENT_WITHDRAWAL_GUARDS = ExtensionPoint(
    "payment_withdrawal_guards",
    """FEE-1: may the recorded payment of this application be withdrawn? An implementation takes the
    locked application and returns a reason to refuse, or None (exams: a seated candidate stays
    paid).""",
)

APPLICATION_WITHDRAWAL_GUARDS = ExtensionPoint(
    "application_withdrawal_guards",
    """May this application still be withdrawn? An implementation takes the locked application and
    returns a reason to refuse, or None (certificates: a certified application stays).""",
)

SCORE_CHANGE_GUARDS = ExtensionPoint(
    "score_change_guards",
    """EXAM-6: may a published score of this application be corrected? An implementation takes the
    application and returns a reason to refuse, or None (certificates: revoke first).""",
)

HOME_NOTICES = ExtensionPoint(
    "home_notices",
    """What needs the user's attention, shown on their home page above the links (certificates:
    overdue deliveries, open print batches). An implementation takes the user and returns a list
    of Notice.""",
)


@dataclass(frozen=True)
class Notice:
    text: str
    url: str


def notices_for(user) -> list[Notice]:
    return [notice for implementation in HOME_NOTICES.implementations for notice in implementation(user)]


HOME_PANELS = ExtensionPoint(
    "home_panels",
    """Blocks of a user's home page below the notices (statistics: the key figures of the current
    quarter with their trend). An implementation takes the user and returns a list of Panel.""",
)


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict


def panels_for(user) -> list[Panel]:
    return [panel for implementation in HOME_PANELS.implementations for panel in implementation(user)]


POINTS = (
    APPLICATION_FORM_CELLS,
    PAYMENT_WITHDRAWAL_GUARDS,
    APPLICATION_WITHDRAWAL_GUARDS,
    SCORE_CHANGE_GUARDS,
    HOME_NOTICES,
    HOME_PANELS,
)


# --- Navigation ------------------------------------------------------------------------------------

PLACES = ("topbar", "home", "public")
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Link:
    """A link an app contributes: shown in `place` to users whose role is in `roles` (ANONYMOUS for
    visitors who are not logged in), in `order`, and only where `when(user)` holds if given."""

    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100
    when: Callable[[Any], bool] | None = None

    def shown_to(self, user) -> bool:
        role = user.role if user.is_authenticated else ANONYMOUS
        return role in self.roles and (self.when is None or self.when(user))


@dataclass(frozen=True)
class ShownLink:
    label: str
    url: str


_links: dict[str, list[Link]] = {place: [] for place in PLACES}


def contribute(place: str, links: Iterable[Link]) -> None:
    """Add an app's links to a place (idempotent: a link already there is not added again)."""
    if place not in _links:
        raise ValueError(f"unknown navigation place {place!r}; one of {PLACES}")
    for link in links:
        if link not in _links[place]:
            _links[place].append(link)
    _links[place].sort(key=lambda link: link.order)


def links_for(place: str, user) -> list[ShownLink]:
    """The links of `place` this user sees, in order, with their URLs."""
    return [ShownLink(link.label, reverse(link.url_name)) for link in _links[place] if link.shown_to(user)]


# --- Long work people wait for ---------------------------------------------------------------------


@dataclass(frozen=True)
class JobKind:
    """A kind of long work an app offers to run in the background (appraisal/jobs.py): `run(job,
    progress)` does it, calling `progress(done, total)` as it goes, and returns what its page
    shows (JSON-serialisable; a ("name", bytes) pair under "file" becomes the file to download);
    it refuses with a ValidationError. `result_template` shows the result on the job's page
    (with `job` and `result`); `back_url_name` is the page the job was started from."""

    name: str
    title: str
    run: Callable
    result_template: str
    back_url_name: str


JOB_KINDS: dict[str, JobKind] = {}


def register_job(kind: JobKind) -> JobKind:
    JOB_KINDS[kind.name] = kind
    return kind
