"""Bulk import of candidates by a center (REG-3): which appraisals a clerk may import into, the
row-by-row check and the import itself. The spreadsheet's format is registration.import_sheet's.

Every row goes through the rules of a single application (services.applications and
services.appraisals): the level offered and the window once per file, the REG-1 fields
(`clean_form_fields`: ID checksum, birth month and gender consistent with the number) and the
authority engine (`engine_decision`, ORG-2/3/7) per row. Around them the import adds what only a
file has: cells to parse, duplicates within the file, accounts that exist already. Every bad row is
reported with its row number and the reasons in Chinese. Nothing is imported from a file with
errors unless the staff explicitly asks to import only the good rows; the import is one transaction.

Candidates not yet registered get an account with an unusable password (the center gives one
through 重置考生密码); every good row becomes a DRAFT application entered by the staff. The queries
are proportional to batches, not rows: users, applications and centers are looked up in bulk and
written with `bulk_create`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority, gates
from appraisal.models import (
    Center,
    CenterKind,
    Occupation,
    Role,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
    User,
)
from appraisal.workdays import CalendarUnknown, WorkdayCalendar, registration_deadline
from registration import selectors
from registration.import_sheet import (
    BATCH,
    EDUCATION_ALIASES,
    GENDERS,
    LEVEL_ALIASES,
    birth_month,
    read_rows,
    text,
)
from registration.models import LIVE_STATUSES, Application, ApplicationTransition, Status
from registration.services.applications import clean_form_fields, target_fields
from registration.services.appraisals import (
    check_level_offered,
    check_window,
    engine_decision,
    extra_day_message,
)
from registration.services.eligibility import PHONE_PATTERN

# --- Which appraisals a staff member may import into ------------------------------------------


@dataclass(frozen=True)
class ImportTarget:
    key: str
    label: str
    target: object
    center: Center | None  # the appraising center; None for unified appraisals (the province)


def _require_importer(staff):
    gates.require_role(staff, gates.CLERKS, _("只有鉴定机构工作人员可以批量导入考生。"))


def import_targets(staff, *, today=None, limit=300) -> list[ImportTarget]:
    """The appraisals open for registration today that the staff may enter candidates for:
    scheduled days of the centers in their scope, and unified appraisals for the province."""
    _require_importer(staff)
    today = today or timezone.localdate()
    options = []
    province = selectors.province_center()
    if province is not None and authority.can_manage_center(staff, province):
        for unified in selectors.open_unified_appraisals(today):
            options.append(ImportTarget(f"unified:{unified.pk}", str(unified), unified, None))
    calendar = WorkdayCalendar()
    for scheduled in selectors.future_days_in_scope(staff, today)[: limit * 2]:
        try:
            deadline = registration_deadline(scheduled.day, scheduled.registration_extension_days, calendar=calendar)
        except CalendarUnknown:
            continue
        if today <= deadline:
            label = _("%(center)s %(day)s 定期鉴定（报名截止%(deadline)s）") % {
                "center": scheduled.center.name, "day": f"{scheduled.day:%Y-%m-%d}", "deadline": f"{deadline:%m-%d}"}
            options.append(ImportTarget(f"day:{scheduled.pk}", label, scheduled, scheduled.center))
        if len(options) >= limit:
            break
    return options


# --- Results ----------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    name: str
    id_number: str
    messages: list[str]

    @property
    def message(self) -> str:
        return "；".join(self.messages)


@dataclass
class GoodRow:
    row: int
    fields: dict
    affiliation: dict  # region / school / employer_body for a new account
    existing: User | None


@dataclass
class ImportResult:
    total_rows: int
    good: list[GoodRow]
    errors: list[RowError]
    saved: bool = False
    imported: int = 0
    created_accounts: int = 0
    existing_accounts: int = 0
    application_ids: list[int] = field(default_factory=list)

    @property
    def has_errors(self):
        return bool(self.errors)


# --- The checks of the whole file: the same for every row --------------------------------------


@dataclass
class Batch:
    """What every row is checked against: the choice made on the upload page and the look-ups."""

    staff: User
    occupation: Occupation
    level: int
    target: object
    center: Center  # the appraising center
    today: object
    centers: dict  # by name, short name and division code
    staff_center: Center | None


def _check_target(staff, occupation: Occupation, level: int, target, today) -> Center:
    """The checks that are the same for every row, done once: returns the appraising center."""
    _require_importer(staff)
    if not isinstance(target, (ScheduledAppraisalDay, UnifiedAppraisal)):
        raise ValidationError(_("批量导入只能选择定期鉴定日或统一鉴定。"), code="bad_target")
    try:
        check_level_offered(occupation, level)
    except ValidationError as exc:  # the upload page shows it above the form, not on the level
        raise ValidationError(exc.messages, code="level") from exc
    if occupation.is_unified and not isinstance(target, UnifiedAppraisal):
        raise ValidationError(
            _("“%(occ)s”为统一鉴定职业，请选择全国、全省统一鉴定。") % {"occ": occupation.name}, code="wrong_target"
        )
    if not occupation.is_unified and isinstance(target, UnifiedAppraisal):
        raise ValidationError(
            _("“%(occ)s”是日常鉴定职业，请选择鉴定机构的定期鉴定日。") % {"occ": occupation.name}, code="wrong_target"
        )
    if isinstance(target, ScheduledAppraisalDay) and not target.accepts(occupation):
        raise ValidationError(extra_day_message(target, occupation), code="wrong_occupation")
    check_window(target, today)
    if isinstance(target, ScheduledAppraisalDay):
        center = Center.objects.prefetch_related("grants").get(pk=target.center_id)
    else:
        center = Center.objects.prefetch_related("grants").get(kind=CenterKind.PROVINCE)
    if not authority.can_manage_center(staff, center):
        raise PermissionDenied(_("%(center)s不在您的管辖范围内，不能为其导入考生。") % {"center": center.name})
    return center


def _center_lookup():
    """Centers by full name, short name (the name without 职业技能鉴定中心) and division code: one query."""
    lookup = {}
    for center in Center.objects.filter(is_active=True).select_related("parent"):
        lookup[center.name] = center
        short = center.name.removesuffix("职业技能鉴定中心")
        if short and short != center.name:
            lookup.setdefault(short, center)
        if center.division_code:
            lookup[center.division_code] = center
    return lookup


def _affiliation(center: Center | None) -> dict | None:
    """Which affiliation a center stands for (ORG-2..ORG-7), or None when it cannot be one."""
    if center is None:
        return None
    if center.kind in (CenterKind.CITY, CenterKind.COUNTY, CenterKind.EXPANDED_COUNTY):
        return {"region": center, "school": None, "employer_body": None}
    if center.kind == CenterKind.SCHOOL:
        return {"region": None, "school": center, "employer_body": None}
    if center.kind in (CenterKind.ENTERPRISE, CenterKind.AFFILIATED_UNIT):
        return {"region": None, "school": None, "employer_body": center}
    return None


# --- The checks of one row, one function per rule, in the order of the columns ----------------


@dataclass
class Row:
    number: int
    record: dict
    fields: dict = field(default_factory=dict)
    messages: list = field(default_factory=list)
    affiliation: dict | None = None
    account: User | None = None


def _name(row: Row, batch: Batch):
    name = text(row.record["name"])
    if not name:
        row.messages.append(_("姓名不能为空"))
    elif len(name) > 40:
        row.messages.append(_("姓名不能超过40个字"))
    row.fields["name"] = name


def _gender(row: Row, batch: Batch):
    gender_text = text(row.record["gender"])
    if not gender_text:
        row.messages.append(_("性别不能为空"))
    elif gender_text not in GENDERS:
        row.messages.append(_("性别应填“男”或“女”"))
    row.fields["gender"] = GENDERS.get(gender_text)


def _birth_month(row: Row, batch: Batch):
    raw = row.record["birth_month"]
    row.fields["birth_month"] = None
    if raw is None or not text(raw):
        row.messages.append(_("出生年月不能为空"))
        return
    try:
        row.fields["birth_month"] = birth_month(raw)
    except ValueError:
        row.messages.append(_("出生年月格式应为YYYY-MM，如1990-03"))


def _id_number(row: Row, batch: Batch):
    """The cell, then the identity rules of the 申报表 (clean_form_fields: checksum, birth month,
    gender, age), as for a single application."""
    raw = row.record["id_number"]
    id_text = text(raw).upper()
    row.fields["id_number"] = id_text
    if isinstance(raw, float) and len(id_text) >= 15:
        row.messages.append(_("身份证号被Excel转换成了数字（末几位已丢失），请将该列设为文本格式后重新填写"))
        row.fields["id_number"] = ""
        return
    if not id_text:
        row.messages.append(_("身份证号不能为空"))
        return
    identity = {key: row.fields[key] for key in ("gender", "birth_month")}
    try:
        row.fields["id_number"] = clean_form_fields({**identity, "id_number": id_text}, batch.today)["id_number"]
    except ValidationError as exc:
        row.messages.extend(m.rstrip("。") for m in exc.messages)


def _education(row: Row, batch: Batch):
    education_text = text(row.record["education"])
    if not education_text:
        row.messages.append(_("文化程度不能为空"))
    elif education_text not in EDUCATION_ALIASES:
        row.messages.append(_("文化程度“%(v)s”不在可选范围内（见“填写说明”）") % {"v": education_text})
    row.fields["education"] = EDUCATION_ALIASES.get(education_text)


def _phone(row: Row, batch: Batch):
    phone = text(row.record["phone"])
    if not phone:
        row.messages.append(_("联系电话不能为空"))
    elif not PHONE_PATTERN.match(phone):
        row.messages.append(_("联系电话格式不正确"))
    row.fields["phone"] = phone


def _texts(row: Row, batch: Batch):
    for key, limit, label in (
        ("employer_name", 100, _("工作单位")), ("current_occupation", 60, _("现职业")),
        ("held_certificate", 60, _("现已持证书")), ("work_history", 2000, _("工作简历")),
    ):
        value = text(row.record[key])
        if len(value) > limit:
            row.messages.append(_("%(label)s不能超过%(limit)d个字") % {"label": label, "limit": limit})
        row.fields[key] = value
    if not row.fields["work_history"]:
        row.messages.append(_("工作简历不能为空"))


def _years(row: Row, batch: Batch):
    row.fields["years_in_occupation"] = None
    years_text = text(row.record["years_in_occupation"])
    if not years_text:
        row.messages.append(_("已从事本职业工作年限不能为空"))
        return
    try:
        number_value = float(years_text)
        if not number_value.is_integer() or not 0 <= number_value <= 60:
            raise ValueError
        row.fields["years_in_occupation"] = int(number_value)
    except ValueError:
        row.messages.append(_("已从事本职业工作年限应为0至60的整数"))


def _certificate_level(row: Row, batch: Batch):
    level_text = text(row.record["held_certificate_level"])
    row.fields["held_certificate_level"] = None
    if not level_text:
        return
    if level_text not in LEVEL_ALIASES:
        row.messages.append(_("证书等级“%(v)s”不在可选范围内（见“填写说明”）") % {"v": level_text})
        return
    row.fields["held_certificate_level"] = LEVEL_ALIASES[level_text]
    if not row.fields["held_certificate"]:
        row.messages.append(_("填写了证书等级，请同时填写现已持证书名称"))


def _region(row: Row, batch: Batch):
    region_text = text(row.record["region"])
    if not region_text:
        row.affiliation = _affiliation(batch.staff_center)
        if row.affiliation is None:
            row.messages.append(_("请填写所在地区（导入人员所在机构不能作为考生所在地区）"))
        return
    region = batch.centers.get(region_text) or batch.centers.get(region_text + "职业技能鉴定中心")
    row.affiliation = _affiliation(region)
    if region is None:
        row.messages.append(_("所在地区“%(v)s”不是本省的县（市）、市（州）或鉴定机构") % {"v": region_text})
    elif row.affiliation is None:
        row.messages.append(_("所在地区“%(v)s”不能作为考生所在地区，请填写县（市）或市（州）") % {"v": region_text})


CELL_RULES = (_name, _gender, _birth_month, _id_number, _education, _phone, _texts, _years, _certificate_level,
              _region)


# --- The checks that need the other rows and the database --------------------------------------


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _existing_accounts(rows: list[Row]) -> dict[str, User]:
    """Accounts of the rows' ID numbers (as id_number or login name), looked up in batches."""
    ids = {row.fields["id_number"] for row in rows if row.fields["id_number"] and not row.messages}
    existing = {}
    for chunk in _chunks(ids):
        for user in User.objects.filter(Q(id_number__in=chunk) | Q(username__in=chunk)).select_related(
            "region", "school", "employer_body"
        ):
            existing[user.id_number if user.id_number in chunk else user.username] = user
    return existing


def _live_candidates(accounts, batch: Batch) -> set[int]:
    """Candidates who already hold a live application for this occupation, level and appraisal."""
    candidate_ids = [u.pk for u in accounts if u.role == Role.CANDIDATE]
    live = set()
    for chunk in _chunks(candidate_ids):
        live.update(
            Application.objects.filter(
                candidate_id__in=chunk, occupation=batch.occupation, level=batch.level,
                status__in=[s.value for s in LIVE_STATUSES], **_target_kwargs(batch.target),
            ).values_list("candidate_id", flat=True)
        )
    return live


def _duplicate_in_file(row: Row, seen: dict):
    id_number = row.fields["id_number"]
    if not id_number:
        return
    if id_number in seen:
        row.messages.append(_("身份证号与第%(row)d行重复") % {"row": seen[id_number]})
    else:
        seen[id_number] = row.number


def _existing_account(row: Row, live: set):
    user = row.account
    if user is None or row.messages:
        return
    if user.role != Role.CANDIDATE or user.id_number != row.fields["id_number"]:
        row.messages.append(_("该身份证号已被工作人员或其他账号使用，不能作为考生导入"))
    elif user.full_name and user.full_name != row.fields["name"]:
        row.messages.append(_("该身份证号已注册，注册姓名与表格中的姓名不一致，请核对"))
    elif user.pk in live:
        row.messages.append(_("该考生已有本次鉴定该职业、等级的申报，不能重复申报"))


def _authority(row: Row, batch: Batch):
    """The authority engine, as for a single application (engine_decision); a new candidate is
    judged on the affiliation the row gives."""
    if row.messages:
        return
    candidate = row.account or SimpleNamespace(graduation_date=None, **row.affiliation)
    decision = engine_decision(
        batch.center, batch.target, candidate, batch.occupation, batch.level, retake=False, today=batch.today
    )
    if not decision:
        row.messages.append(decision.reason.rstrip("。"))


def _model_rules(row: Row, batch: Batch):
    """The model's own field validation, as a saved application gets it."""
    if row.messages:
        return
    application = Application(
        center=batch.center, occupation=batch.occupation, level=batch.level, status=Status.DRAFT,
        entered_by=batch.staff, **_target_kwargs(batch.target), **row.fields,
    )
    try:
        application.full_clean(
            exclude=["candidate", "center", "occupation", "unified_appraisal", "scheduled_day",
                     "retake_day", "entered_by", "eligibility", "form_pdf"],
            validate_unique=False, validate_constraints=False,
        )
    except ValidationError as exc:
        row.messages.extend(m.rstrip("。") for m in exc.messages)


def _target_kwargs(target) -> dict:
    # An import never targets a retake day (_check_target), so the column is left out.
    fields = target_fields(target)
    del fields["retake_day"]
    return fields


def check_rows(rows, *, staff, occupation: Occupation, level: int, target, today=None,
               progress=None) -> ImportResult:
    """Check every row; return the good ones (ready to import) and every bad one with its reasons.
    `progress(done, total)` hears how far it got (the cells first, then the rows against the
    database: half the count each)."""
    progress = progress or (lambda done, total: None)
    today = today or timezone.localdate()
    level = int(level)
    center = _check_target(staff, occupation, level, target, today)
    centers = _center_lookup()
    batch = Batch(
        staff=staff, occupation=Occupation.objects.prefetch_related("levels").get(pk=occupation.pk), level=level,
        target=target, center=center, today=today, centers=centers,
        staff_center=centers.get(staff.center.name) if staff.center_id else None,
    )
    checked = [Row(number, record) for number, record in rows]
    total = len(checked)
    for index, row in enumerate(checked, start=1):
        for rule in CELL_RULES:
            rule(row, batch)
        progress(index // 2, total)
    existing = _existing_accounts(checked)
    live = _live_candidates(existing.values(), batch)
    seen = {}
    good, errors = [], []
    for index, row in enumerate(checked, start=1):
        progress((total + index) // 2, total)
        row.account = existing.get(row.fields["id_number"]) if row.fields["id_number"] else None
        _duplicate_in_file(row, seen)
        _existing_account(row, live)
        _authority(row, batch)
        _model_rules(row, batch)
        if row.messages:
            errors.append(RowError(row.number, row.fields["name"], row.fields["id_number"], row.messages))
        else:
            good.append(GoodRow(row.number, row.fields, row.affiliation, row.account))
    return ImportResult(total_rows=len(checked), good=good, errors=errors)


# --- The import -------------------------------------------------------------------------------


def import_file(uploaded, *, staff, occupation: Occupation, level: int, target, only_good_rows=False,
                today=None, progress=None) -> ImportResult:
    """Check the file and, if it has no errors (or the staff chose to import only the good rows),
    create the missing candidate accounts and one DRAFT application per good row, in one
    transaction. File-level problems raise ValidationError; row problems are in the result."""
    today = today or timezone.localdate()
    rows = read_rows(uploaded)
    try:
        with transaction.atomic():
            result = check_rows(rows, staff=staff, occupation=occupation, level=level, target=target, today=today,
                                progress=progress)
            if (result.errors and not only_good_rows) or not result.good:
                return result
            _write(result, staff=staff, occupation=occupation, level=int(level), target=target)
    except IntegrityError as exc:
        raise ValidationError(
            _("导入时数据发生了变化（可能有人同时录入了相同的考生），未导入任何数据，请重新上传。"),
            code="conflict",
        ) from exc
    return result


def _create_accounts(result: ImportResult) -> list[User]:
    """Accounts for the good rows' new candidates, without a usable password."""
    new_users = []
    for row in result.good:
        if row.existing is not None:
            continue
        fields = row.fields
        user = User(
            username=fields["id_number"], id_number=fields["id_number"], full_name=fields["name"],
            phone=fields["phone"], role=Role.CANDIDATE, employer_name=fields["employer_name"], **row.affiliation,
        )
        user.set_unusable_password()  # the center gives one through 重置考生密码 (review detail)
        user.full_clean(exclude=["password", "region", "school", "employer_body", "center"],
                        validate_unique=False, validate_constraints=False)
        new_users.append(user)
        row.existing = user
    User.objects.bulk_create(new_users, batch_size=BATCH)
    if any(user.pk is None for user in new_users):  # a backend without RETURNING: read them back
        by_id = dict(User.objects.filter(id_number__in=[u.id_number for u in new_users]).values_list("id_number", "pk"))
        for user in new_users:
            user.pk = user.id = by_id[user.id_number]
    return new_users


def _create_applications(result: ImportResult, *, staff, occupation, level, target) -> list[Application]:
    center = (
        target.center if isinstance(target, ScheduledAppraisalDay)
        else Center.objects.get(kind=CenterKind.PROVINCE)
    )
    applications = [
        Application(
            candidate=row.existing, center=center, occupation=occupation, level=level, status=Status.DRAFT,
            is_retake=False, entered_by=staff, **_target_kwargs(target), **row.fields,
        )
        for row in result.good
    ]
    Application.objects.bulk_create(applications, batch_size=BATCH)
    if any(a.pk is None for a in applications):
        by_candidate = dict(
            Application.objects.filter(
                candidate__in=[a.candidate_id for a in applications], occupation=occupation, level=level,
                status=Status.DRAFT, **_target_kwargs(target),
            ).values_list("candidate_id", "pk")
        )
        for application in applications:
            application.pk = application.id = by_candidate[application.candidate_id]
    ApplicationTransition.objects.bulk_create(
        [
            ApplicationTransition(
                application=application, from_status="", to_status=Status.DRAFT, actor=staff,
                reason=_("由鉴定机构批量导入（代为录入）"),
            )
            for application in applications
        ],
        batch_size=BATCH,
    )
    return applications


def _write(result: ImportResult, *, staff, occupation, level, target):
    new_users = _create_accounts(result)
    applications = _create_applications(result, staff=staff, occupation=occupation, level=level, target=target)
    result.saved = True
    result.imported = len(applications)
    result.created_accounts = len(new_users)
    result.existing_accounts = len(applications) - len(new_users)
    result.application_ids = [a.pk for a in applications]
