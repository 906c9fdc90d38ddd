"""The spreadsheet of the bulk import (REG-3): its columns, the downloadable template, and reading an
upload into rows of cell values. Checking and importing the rows is registration.services.imports'."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from appraisal.models import (
    Level,
)
from appraisal.spreadsheets import cell_text, open_uploaded_workbook, workbook_bytes
from registration.models import (
    Education,
    Gender,
)

MAX_ROWS = 5000
MAX_FILE_BYTES = 10 * 1024 * 1024
BATCH = 500
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    return workbook_bytes(workbook)


# --- Reading the file -------------------------------------------------------------------------


def _open_workbook(uploaded):
    return open_uploaded_workbook(
        uploaded, max_bytes=MAX_FILE_BYTES, too_big=_("文件超过%(mb)dMB，请拆分后分批导入。"),
        not_xlsx=_("文件不是有效的 Excel（.xlsx）文件，请使用下载的模板填写后上传。"),
    )


def check_workbook(uploaded) -> None:
    """Refuse at once, in Chinese, an upload that is no readable .xlsx (its rows are checked later)."""
    _open_workbook(uploaded).close()
    uploaded.seek(0)


def _header_key(value) -> str:
    return re.split(r"[（(]", text(value), maxsplit=1)[0].strip()


text = cell_text


def read_rows(uploaded) -> list[tuple[int, dict]]:
    """The non-empty data rows of the first sheet as (row number, {column key: cell value})."""
    workbook = _open_workbook(uploaded)
    try:
        if not workbook.worksheets:
            raise ValidationError(_("文件中没有工作表。"), code="empty")
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None or not any(v is not None and text(v) for v in header):
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
            if values is None or not any(text(v) for v in values):
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


def birth_month(value):
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    match = _MONTH.match(text(value))
    if not match:
        raise ValueError
    year, month = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return datetime.date(int(year), int(month), 1)
