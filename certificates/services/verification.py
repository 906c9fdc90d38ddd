"""Verification by anyone (CERT-4): a certificate's number and its holder's name (the ID number
optional, as a second factor) → valid, revoked (with the date) or not found.

- Only what the province accepted is answered: the particulars come from the certificate's latest
  PublishedRecord (CERT-1), so a name amended locally answers only once its correction is accepted.
  A revocation answers at once: only the province revokes, so it is already the province's word,
  and a revoked certificate must never be vouched for while its correction travels.
- A wrong name (or ID number) answers exactly as an unknown number, after the same single query:
  the name is compared inside the database, so the two cases cost the same work and look alike.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from appraisal.idnumbers import mask_id_number
from appraisal.models import Level
from certificates.models import Certificate, PublishedRecord, State

NUMBER_RE = re.compile(r"\d{16}")
NAME_MAX = Certificate._meta.get_field("holder_name").max_length
# Han characters, Latin letters and digits, the middle dots of minority and foreign names, inner spaces.
NAME_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9·•．.\- ]+")
ID_RE = re.compile(r"\d{17}[\dX]")
REVOKED_ON = Certificate._meta.get_field("revoked_on")

VALID, REVOKED, NOT_FOUND = "valid", "revoked", "not_found"


@dataclasses.dataclass(frozen=True)
class Query:
    number: str
    name: str
    id_number: str = ""


@dataclasses.dataclass(frozen=True)
class Answer:
    """What the public learns. `status` is VALID, REVOKED or NOT_FOUND; the rest is empty when not found."""

    status: str
    number: str = ""
    holder_name: str = ""
    masked_id_number: str = ""
    occupation: str = ""
    level: str = ""
    issued_on: datetime.date | None = None
    issuing_authority: str = ""
    body: str = ""
    revoked_on: datetime.date | None = None

    @property
    def found(self) -> bool:
        return self.status != NOT_FOUND

    def as_json(self) -> dict:
        data = dict(vars(self))  # flat: asdict's deep copy cost a tenth of a verification
        for key in ("issued_on", "revoked_on"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def clean_query(number, name, id_number="") -> Query:
    """The three inputs checked, or a ValidationError with a Chinese message on each bad field."""
    number, id_number = str(number or "").strip(), str(id_number or "").strip().upper()
    name = " ".join(str(name or "").split())  # inner runs of spaces and tabs count as one space
    errors = {}
    if not NUMBER_RE.fullmatch(number):
        errors["number"] = _("证书编号为16位数字。")
    if not name:
        errors["name"] = _("请填写持证人姓名。")
    elif len(name) > NAME_MAX:
        errors["name"] = _("姓名最多%(n)d个字。") % {"n": NAME_MAX}
    elif not NAME_RE.fullmatch(name):
        errors["name"] = _("姓名只能包含汉字、字母、数字、间隔号（·）和空格。")
    if id_number and not ID_RE.fullmatch(id_number):
        errors["id_number"] = _("身份证号为18位，最后一位可以是数字或X；不核对身份证号可留空。")
    if errors:
        raise ValidationError(errors)
    return Query(number=number, name=name, id_number=id_number)


# One statement, written out: the ORM's version (a correlated subquery repeated three times) cost
# ≈1.8 ms of CPU a request to build, most of a verification (benchmarks/README.md). The published name
# (and ID number) are compared inside the database, as text, on PostgreSQL and SQLite alike.
_JSON_TEXT = {"postgresql": "p.payload ->> '{key}'", "sqlite": "json_extract(p.payload, '$.{key}')"}
_VERIFY_SQL = """
SELECT c.state, c.revoked_on, p.payload FROM {certificate} c JOIN {record} p ON p.certificate_id = c.id
WHERE c.number = %s AND p.id = (SELECT MAX(r.id) FROM {record} r WHERE r.certificate_id = c.id)
  AND {name} = %s"""


def _verify_sql(with_id_number: bool) -> str:
    text = _JSON_TEXT[connection.vendor]
    sql = _VERIFY_SQL.format(certificate=Certificate._meta.db_table, record=PublishedRecord._meta.db_table,
                             name=text.format(key="holder_name"))
    return sql + (f" AND {text.format(key='id_number')} = %s" if with_id_number else "")


def verify(query: Query) -> Answer:
    """One query whatever the answer: the number's certificate, if the province published it and the
    published name (and ID number, when given) of its latest PublishedRecord match."""
    params = [query.number, query.name] + ([query.id_number] if query.id_number else [])
    with connection.cursor() as cursor:
        cursor.execute(_verify_sql(bool(query.id_number)), params)
        found = cursor.fetchone()
    if found is None:
        return Answer(status=NOT_FOUND)
    state, revoked_on, p = found
    p = p if isinstance(p, dict) else json.loads(p)  # SQLite (and psycopg set up by Django) hand text
    revoked = state == State.REVOKED
    return Answer(
        status=REVOKED if revoked else VALID, number=p["number"], holder_name=p["holder_name"],
        masked_id_number=mask_id_number(p["id_number"]), occupation=p["occupation"],
        level=str(Level(int(p["level"])).label), issued_on=datetime.date.fromisoformat(p["issued_on"]),
        issuing_authority=p["issuing_authority"], body=p["body"],
        revoked_on=REVOKED_ON.to_python(revoked_on) if revoked else None,
    )
