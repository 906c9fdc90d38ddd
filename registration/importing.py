"""Bulk import of candidates by a center (REG-3): the downloadable template, the row-by-row check and
the import itself.

A center enters a group's data from one .xlsx file. Every row is checked as the single-entry form
checks it (REG-5: ID checksum, birth month and gender consistent with the number; required fields;
enumerations; duplicates in the file; an existing live application; and the authority engine for the
chosen appraisal, ORG-2/3/7). Every bad row is reported with its row number and the reason in
Chinese. Nothing is imported from a file with errors unless the staff explicitly asks to import only
the good rows; the import is one transaction.

Candidates not yet registered get an account with an unusable password (they set one through the
password reset); every good row becomes a DRAFT application entered by the staff, for the center to
capture the photo and submit. The queries are proportional to batches, not rows: users, applications
and centers are looked up in bulk and written with `bulk_create`.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import authority
from appraisal.models import (
    Center,
    CenterKind,
    Level,
    Occupation,
    OccupationLevel,
    Role,
    ScheduledAppraisalDay,
    UnifiedAppraisal,
    User,
)
from appraisal.workdays import CalendarUnknown, WorkdayCalendar, registration_deadline
from registration import services
from registration.models import (
    LIVE_STATUSES,
    Application,
    ApplicationTransition,
    Education,
    Gender,
    Status,
)

MAX_ROWS = 5000
MAX_FILE_BYTES = 10 * 1024 * 1024
BATCH = 500
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORTER_ROLES = (Role.CENTER_STAFF, Role.PROVINCE_ADMIN)


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool
    explanation: str


COLUMNS = (
    Column("姓名", "name", True, "与身份证一致，不超过40个字。"),
    Column("性别", "gender", True, "填“男”或“女”，须与身份证号一致。"),
    Column("出生年月", "birth_month", True, "格式 YYYY-MM，如 1990-03；须与身份证号中的出生日期一致。"),
    Column("身份证号", "id_number", True, "18位居民身份证号，末位可为X。请保持该列为文本格式。"),
    Column("文化程度", "education", True, "填：" + "、".join(str(label) for _v, label in Education.choices) + "。"),
    Column("联系电话", "phone", True, "手机或固定电话，不超过20位。"),
    Column("工作单位", "employer_name", False, "不超过100个字。"),
    Column("现职业", "current_occupation", False, "不超过60个字。"),
    Column("已从事本职业工作年限", "years_in_occupation", True, "0至60的整数（年）。"),
    Column("工作简历", "work_history", True, "不超过2000个字。"),
    Column("现已持证书", "held_certificate", False, "已持职业资格证书名称；没有可不填。"),
    Column("证书等级", "held_certificate_level", False, "填：五级/初级工、四级/中级工、三级/高级工、二级/技师、一级/高级技师（也可只填“初级工”等或数字5—1）；填了证书等级须同时填写证书名称。"),
    Column("所在地区", "region", False, "考生户籍或工作所在县（市）、市（州）的鉴定机构名称或6位行政区划代码（如“农安县”或“220122”）；院校、企业鉴定机构可填本机构名称。不填则为导入人员所在机构。"),
)
HEADERS = tuple(c.header for c in COLUMNS)

EDUCATION_ALIASES = {
    **{str(label): value for value, label in Education.choices},
    "初中": Education.JUNIOR, "小学": Education.JUNIOR, "高中": Education.SENIOR, "中专": Education.SENIOR,
    "技校": Education.SENIOR, "职高": Education.SENIOR, "中职": Education.SENIOR, "专科": Education.COLLEGE,
    "高职": Education.COLLEGE, "大学本科": Education.BACHELOR, "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE, "研究生及以上": Education.POSTGRADUATE,
}
GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE}
_LEVEL_WORDS = {5: "五级", 4: "四级", 3: "三级", 2: "二级", 1: "一级"}
LEVEL_ALIASES = {}
for _value, _label in Level.choices:
    LEVEL_ALIASES[str(_label)] = _value
    LEVEL_ALIASES[str(Level.short_label(_value))] = _value
    LEVEL_ALIASES[_LEVEL_WORDS[_value]] = _value
    LEVEL_ALIASES[str(_value)] = _value
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$|^(\d{4})(\d{2})$")


# --- The template -----------------------------------------------------------------------------


def build_template() -> bytes:
    """The downloadable .xlsx: the data sheet (header row, text-formatted ID column, drop-downs)
    and a second sheet explaining every column and its allowed values."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "报名信息"
    sheet.append(list(HEADERS))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F3")
    widths = {"姓名": 10, "身份证号": 22, "工作简历": 40, "所在地区": 18, "已从事本职业工作年限": 12}
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = widths.get(column.header, 14)
        if column.key in ("id_number", "phone", "birth_month"):
            # Text columns: Excel would otherwise turn an 18-digit ID number into a rounded number.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    letters = {c.key: sheet.cell(row=1, column=i).column_letter for i, c in enumerate(COLUMNS, start=1)}
    for key, values in (
        ("gender", list(GENDERS)),
        ("education", [str(label) for _v, label in Education.choices]),
        ("held_certificate_level", [str(label) for _v, label in Level.choices]),
    ):
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        validation.add(f"{letters[key]}2:{letters[key]}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "填写要求"])
    for cell in notes[1]:
        cell.font, cell.fill = bold, fill
    for column in COLUMNS:
        notes.append([column.header, "必填" if column.required else "选填", column.explanation])
    notes.append([])
    for line in (
        "1. 请在“报名信息”工作表中从第2行起每行填写一名考生，不要修改第1行表头。",
        f"2. 每个文件最多{MAX_ROWS}行。申报职业、申报等级和鉴定场次在上传页面选择，整个文件相同。",
        "3. 系统逐行校验身份证号校验位、出生年月和性别与身份证号是否一致、必填项、重复身份证号、已有申报及鉴定权限。",
        "4. 有错误的文件默认不导入任何数据；可修改后重新上传，或勾选“只导入正确的行”。",
        "5. 导入后为“草稿”状态，需由鉴定机构采集照片、上传材料后提交审核。新考生账号没有密码，由鉴定机构在其申报审核页点击“重置考生密码”生成初始密码，当面告知考生。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Which appraisals a staff member may import into ------------------------------------------


@dataclass(frozen=True)
class ImportTarget:
    key: str
    label: str
    target: object
    center: Center | None  # the appraising center; None for unified appraisals (the province)


def _require_importer(staff):
    if not staff.is_authenticated or staff.role not in IMPORTER_ROLES:
        raise PermissionDenied(_("只有鉴定机构工作人员可以批量导入考生。"))


def import_targets(staff, *, today=None, limit=300) -> list[ImportTarget]:
    """The appraisals open for registration today that the staff may enter candidates for:
    scheduled days of the centers in their scope, and unified appraisals for the province."""
    _require_importer(staff)
    today = today or timezone.localdate()
    options = []
    province = Center.objects.filter(kind=CenterKind.PROVINCE).first()
    if province is not None and authority.can_manage_center(staff, province):
        for unified in UnifiedAppraisal.objects.filter(registration_opens__lte=today, registration_closes__gte=today):
            options.append(ImportTarget(f"unified:{unified.pk}", str(unified), unified, None))
    calendar = WorkdayCalendar()
    days = authority.scope_queryset(
        staff, ScheduledAppraisalDay.objects.filter(day__gt=today).select_related("center"), "center"
    ).order_by("day", "center__division_code", "center__name")
    for scheduled in days[: limit * 2]:
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


def resolve_target(staff, key, *, today=None):
    """The appraisal named by a form key, if it is among the staff's options."""
    for option in import_targets(staff, today=today):
        if option.key == key:
            return option.target
    raise ValidationError(_("请选择报名尚未截止、且在您管辖范围内的鉴定场次。"), code="bad_target")


# --- Reading the file -------------------------------------------------------------------------


def _open_workbook(uploaded):
    """Open an upload as .xlsx, judged by its content, never its name."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ValidationError(_("文件超过%(mb)dMB，请拆分后分批导入。") % {"mb": MAX_FILE_BYTES // 1024 // 1024},
                              code="too_big")
    uploaded.seek(0)
    data = uploaded.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(_("文件超过%(mb)dMB，请拆分后分批导入。") % {"mb": MAX_FILE_BYTES // 1024 // 1024},
                              code="too_big")
    if not data:
        raise ValidationError(_("上传的文件是空的。"), code="empty_file")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValidationError(_("这是旧版 Excel（.xls）或加密的文件，请另存为 .xlsx 格式后再上传。"), code="not_xlsx")
    not_xlsx = ValidationError(_("文件不是有效的 Excel（.xlsx）文件，请使用下载的模板填写后上传。"), code="not_xlsx")
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise not_xlsx
    try:
        with zipfile.ZipFile(buffer) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise not_xlsx from exc
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise not_xlsx
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise not_xlsx from exc


def _header_key(value) -> str:
    text = _text(value)
    return re.split(r"[（(]", text, maxsplit=1)[0].strip()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value).strip()


def read_rows(uploaded) -> list[tuple[int, dict]]:
    """The non-empty data rows of the first sheet as (row number, {column key: cell value})."""
    workbook = _open_workbook(uploaded)
    try:
        if not workbook.worksheets:
            raise ValidationError(_("文件中没有工作表。"), code="empty")
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or not any(v is not None and _text(v) for v in header):
            raise ValidationError(_("工作表是空的：第1行应为表头，第2行起为考生数据。"), code="empty")
        positions = {}
        for index, value in enumerate(header):
            key = _header_key(value)
            if key in HEADERS and key not in positions:
                positions[key] = index
        missing = [h for h in HEADERS if h not in positions]
        if missing:
            raise ValidationError(
                _("表头缺少以下列：%(missing)s。请使用下载的模板，不要修改第1行。") % {"missing": "、".join(missing)},
                code="bad_header",
            )
        result = []
        for number, values in enumerate(rows, start=2):
            if values is None or not any(_text(v) for v in values):
                continue
            if len(result) >= MAX_ROWS:
                raise ValidationError(
                    _("文件超过%(max)d行，请拆分后分批导入。") % {"max": MAX_ROWS}, code="too_many_rows"
                )
            record = {}
            for column in COLUMNS:
                index = positions[column.header]
                record[column.key] = values[index] if index < len(values) else None
            result.append((number, record))
    finally:
        workbook.close()
    if not result:
        raise ValidationError(_("表格中没有考生数据（第2行起为空）。"), code="no_rows")
    return result


# --- Checking rows ----------------------------------------------------------------------------


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


def _birth_month(value):
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    match = _MONTH.match(_text(value))
    if not match:
        raise ValueError
    year, month = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return datetime.date(int(year), int(month), 1)


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


def _chunks(items, size=BATCH):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _target_kwargs(target) -> dict:
    return {
        "unified_appraisal": target if isinstance(target, UnifiedAppraisal) else None,
        "scheduled_day": target if isinstance(target, ScheduledAppraisalDay) else None,
    }


def _check_target(staff, occupation: Occupation, level: int, target, today) -> Center:
    """The checks that are the same for every row, done once: returns the appraising center."""
    _require_importer(staff)
    if not isinstance(target, (ScheduledAppraisalDay, UnifiedAppraisal)):
        raise ValidationError(_("批量导入只能选择定期鉴定日或统一鉴定。"), code="bad_target")
    if not OccupationLevel.objects.filter(occupation=occupation, level=level).exists():
        raise ValidationError(
            _("“%(occ)s”不设%(level)s鉴定。") % {"occ": occupation.name, "level": Level(level).label}, code="level"
        )
    if occupation.is_unified and not isinstance(target, UnifiedAppraisal):
        raise ValidationError(
            _("“%(occ)s”为统一鉴定职业，请选择全国、全省统一鉴定。") % {"occ": occupation.name}, code="wrong_target"
        )
    if not occupation.is_unified and isinstance(target, UnifiedAppraisal):
        raise ValidationError(
            _("“%(occ)s”是日常鉴定职业，请选择鉴定机构的定期鉴定日。") % {"occ": occupation.name}, code="wrong_target"
        )
    if isinstance(target, ScheduledAppraisalDay) and not target.accepts(occupation):
        raise ValidationError(services.extra_day_message(target, occupation), code="wrong_occupation")
    services.check_window(target, today)
    if isinstance(target, ScheduledAppraisalDay):
        center = Center.objects.prefetch_related("grants").get(pk=target.center_id)
    else:
        center = Center.objects.prefetch_related("grants").get(kind=CenterKind.PROVINCE)
    if not authority.can_manage_center(staff, center):
        raise PermissionDenied(_("%(center)s不在您的管辖范围内，不能为其导入考生。") % {"center": center.name})
    return center


def check_rows(rows, *, staff, occupation: Occupation, level: int, target, today=None) -> ImportResult:
    """Check every row; return the good ones (ready to import) and every bad one with its reasons."""
    today = today or timezone.localdate()
    level = int(level)
    center = _check_target(staff, occupation, level, target, today)
    occupation = Occupation.objects.prefetch_related("levels").get(pk=occupation.pk)
    centers = _center_lookup()
    staff_center = centers.get(staff.center.name) if staff.center_id else None
    parsed = []
    for number, record in rows:
        messages, fields = [], {}
        name = _text(record["name"])
        if not name:
            messages.append(_("姓名不能为空"))
        elif len(name) > 40:
            messages.append(_("姓名不能超过40个字"))
        fields["name"] = name

        gender_text = _text(record["gender"])
        if not gender_text:
            messages.append(_("性别不能为空"))
        elif gender_text not in GENDERS:
            messages.append(_("性别应填“男”或“女”"))
        fields["gender"] = GENDERS.get(gender_text)

        raw_month = record["birth_month"]
        fields["birth_month"] = None
        if raw_month is None or not _text(raw_month):
            messages.append(_("出生年月不能为空"))
        else:
            try:
                fields["birth_month"] = _birth_month(raw_month)
            except ValueError:
                messages.append(_("出生年月格式应为YYYY-MM，如1990-03"))

        raw_id = record["id_number"]
        id_text = _text(raw_id).upper()
        if isinstance(raw_id, float) and len(id_text) >= 15:
            messages.append(_("身份证号被Excel转换成了数字（末几位已丢失），请将该列设为文本格式后重新填写"))
            id_text = ""
        elif not id_text:
            messages.append(_("身份证号不能为空"))
        if id_text and not (isinstance(raw_id, float) and len(id_text) >= 15):
            try:
                id_text = services.validate_identity(
                    id_number=id_text, birth_month=fields["birth_month"],
                    gender=fields["gender"], today=today,
                )
            except ValidationError as exc:
                messages.extend(m.rstrip("。") for m in exc.messages)
        fields["id_number"] = id_text

        education_text = _text(record["education"])
        if not education_text:
            messages.append(_("文化程度不能为空"))
        elif education_text not in EDUCATION_ALIASES:
            messages.append(_("文化程度“%(v)s”不在可选范围内（见“填写说明”）") % {"v": education_text})
        fields["education"] = EDUCATION_ALIASES.get(education_text)

        phone = _text(record["phone"])
        if not phone:
            messages.append(_("联系电话不能为空"))
        elif not services.PHONE_PATTERN.match(phone):
            messages.append(_("联系电话格式不正确"))
        fields["phone"] = phone

        for key, limit, label in (
            ("employer_name", 100, _("工作单位")), ("current_occupation", 60, _("现职业")),
            ("held_certificate", 60, _("现已持证书")), ("work_history", 2000, _("工作简历")),
        ):
            value = _text(record[key])
            if len(value) > limit:
                messages.append(_("%(label)s不能超过%(limit)d个字") % {"label": label, "limit": limit})
            fields[key] = value
        if not fields["work_history"]:
            messages.append(_("工作简历不能为空"))

        years = record["years_in_occupation"]
        fields["years_in_occupation"] = None
        years_text = _text(years)
        if not years_text:
            messages.append(_("已从事本职业工作年限不能为空"))
        else:
            try:
                number_value = float(years_text)
                if not number_value.is_integer() or not 0 <= number_value <= 60:
                    raise ValueError
                fields["years_in_occupation"] = int(number_value)
            except ValueError:
                messages.append(_("已从事本职业工作年限应为0至60的整数"))

        level_text = _text(record["held_certificate_level"])
        fields["held_certificate_level"] = None
        if level_text:
            if level_text not in LEVEL_ALIASES:
                messages.append(_("证书等级“%(v)s”不在可选范围内（见“填写说明”）") % {"v": level_text})
            else:
                fields["held_certificate_level"] = LEVEL_ALIASES[level_text]
                if not fields["held_certificate"]:
                    messages.append(_("填写了证书等级，请同时填写现已持证书名称"))

        region_text = _text(record["region"])
        if region_text:
            region = centers.get(region_text) or centers.get(region_text + "职业技能鉴定中心")
            affiliation = _affiliation(region)
            if region is None:
                messages.append(_("所在地区“%(v)s”不是本省的县（市）、市（州）或鉴定机构") % {"v": region_text})
            elif affiliation is None:
                messages.append(_("所在地区“%(v)s”不能作为考生所在地区，请填写县（市）或市（州）") % {"v": region_text})
        else:
            affiliation = _affiliation(staff_center)
            if affiliation is None:
                messages.append(_("请填写所在地区（导入人员所在机构不能作为考生所在地区）"))
        parsed.append((number, fields, affiliation, messages))

    # Bulk look-ups: existing accounts and their live applications for this appraisal.
    ids = {fields["id_number"] for _n, fields, _a, messages in parsed if fields["id_number"] and not messages}
    existing = {}
    for chunk in _chunks(ids):
        for user in User.objects.filter(Q(id_number__in=chunk) | Q(username__in=chunk)).select_related(
            "region", "school", "employer_body"
        ):
            existing[user.id_number if user.id_number in chunk else user.username] = user
    candidate_ids = [u.pk for u in existing.values() if u.role == Role.CANDIDATE]
    live = set()
    for chunk in _chunks(candidate_ids):
        live.update(
            Application.objects.filter(
                candidate_id__in=chunk, occupation=occupation, level=level,
                status__in=[s.value for s in LIVE_STATUSES], **_target_kwargs(target),
            ).values_list("candidate_id", flat=True)
        )

    seen = {}
    good, errors = [], []
    for number, fields, affiliation, messages in parsed:
        id_number = fields["id_number"]
        user = existing.get(id_number) if id_number else None
        if id_number:
            if id_number in seen:
                messages.append(_("身份证号与第%(row)d行重复") % {"row": seen[id_number]})
            else:
                seen[id_number] = number
        if user is not None and not messages:
            if user.role != Role.CANDIDATE or user.id_number != id_number:
                messages.append(_("该身份证号已被工作人员或其他账号使用，不能作为考生导入"))
            elif user.full_name and user.full_name != fields["name"]:
                messages.append(_("该身份证号已注册，注册姓名与表格中的姓名不一致，请核对"))
            elif user.pk in live:
                messages.append(_("该考生已有本次鉴定该职业、等级的申报，不能重复申报"))
        if not messages:
            candidate_like = user if user is not None else SimpleNamespace(graduation_date=None, **affiliation)
            decision = authority.can_appraise(
                center, candidate_like, occupation, level, on_date=today,
                appraisal_day=target.day if isinstance(target, ScheduledAppraisalDay) else None,
            )
            if not decision:
                messages.append(decision.reason.rstrip("。"))
        if not messages:
            application = Application(
                center=center, occupation=occupation, level=level, status=Status.DRAFT, entered_by=staff,
                **_target_kwargs(target), **fields,
            )
            try:
                application.full_clean(
                    exclude=["candidate", "center", "occupation", "unified_appraisal", "scheduled_day",
                             "retake_day", "entered_by", "eligibility", "form_pdf"],
                    validate_unique=False, validate_constraints=False,
                )
            except ValidationError as exc:
                messages.extend(m.rstrip("。") for m in exc.messages)
        if messages:
            errors.append(RowError(number, fields["name"], fields["id_number"], messages))
        else:
            good.append(GoodRow(number, fields, affiliation, user))
    return ImportResult(total_rows=len(parsed), good=good, errors=errors)


# --- The import -------------------------------------------------------------------------------


def import_file(uploaded, *, staff, occupation: Occupation, level: int, target, only_good_rows=False,
                today=None) -> ImportResult:
    """Check the file and, if it has no errors (or the staff chose to import only the good rows),
    create the missing candidate accounts and one DRAFT application per good row, in one
    transaction. File-level problems raise ValidationError; row problems are in the result."""
    today = today or timezone.localdate()
    rows = read_rows(uploaded)
    try:
        with transaction.atomic():
            result = check_rows(rows, staff=staff, occupation=occupation, level=level, target=target, today=today)
            if (result.errors and not only_good_rows) or not result.good:
                return result
            _write(result, staff=staff, occupation=occupation, level=int(level), target=target)
    except IntegrityError as exc:
        raise ValidationError(
            _("导入时数据发生了变化（可能有人同时录入了相同的考生），未导入任何数据，请重新上传。"),
            code="conflict",
        ) from exc
    return result


def _write(result: ImportResult, *, staff, occupation, level, target):
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
    result.saved = True
    result.imported = len(applications)
    result.created_accounts = len(new_users)
    result.existing_accounts = len(applications) - len(new_users)
    result.application_ids = [a.pk for a in applications]
