"""Excel exports of registration (openpyxl):

* the registration data a center reports upward per appraisal (REG-3), and
* the retake summary sheet 职业技能鉴定补考人员汇总表 (REG-4, CAL-5).

Rows come from `selectors.applications_for(user)`, so every export is scoped by the authority engine
(ORG-8) and costs a constant number of queries. ID numbers are printed in full only for the roles
that need them (center staff, province administrators); examiners and HR officials get them masked.
Both run as background jobs (registration/jobs.py): `progress(done, total)` hears each row written,
and the access log gets the address of the request that asked for the export (`origin`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.idnumbers import mask_id_number, sees_full_id_numbers
from appraisal.models import Level, PersonalDataKind, Role, ScheduledAppraisalDay
from appraisal.services import record_personal_data_access
from appraisal.spreadsheets import workbook_bytes
from registration import selectors
from registration.models import Status

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTED_STATUSES = selectors.EXPORTED_STATUSES

RETAKE_TITLE = "职业技能鉴定补考人员汇总表"
RETAKE_HEADERS = ("序号", "姓名", "性别", "身份证号", "补考职业", "等级", "原鉴定年度", "原准考证号", "补考科目",
                  "联系电话", "鉴定机构", "备注")
REPORT_TITLE = "职业技能鉴定报名数据上报表"
REPORT_HEADERS = (
    "序号", "姓名", "性别", "出生年月", "身份证号", "文化程度", "工作单位", "现职业", "联系电话", "现已持证书",
    "证书等级", "颁证机构", "颁证时间", "专业技术职称", "申报职业", "申报等级", "已从事本职业工作年限", "工作简历",
    "鉴定机构", "状态", "应缴鉴定费（元）", "缴费情况",
)


def require_exporter(user):
    """Staff roles only: a candidate never downloads other people's data."""
    if not user.is_authenticated or user.role == Role.CANDIDATE:
        raise PermissionDenied(_("此功能仅限鉴定机构和人社部门工作人员使用。"))


# The one role check lives in appraisal.idnumbers; this name stays for the export page.
shows_full_id = sees_full_id_numbers


def _id(user, value) -> str:
    return value if sees_full_id_numbers(user) else mask_id_number(value)


def _sheet(title, headers, subtitle):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    width = len(headers)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([subtitle])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.append(list(headers))
    thin = Side(style="thin")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    sheet.freeze_panes = "A4"
    return workbook, sheet


def _finish(workbook, sheet, widths):
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "3:3"
    return workbook_bytes(workbook)  # no cell a candidate typed can become a formula


def _date(value):
    return f"{value.year}年{value.month}月{value.day}日"


# --- REG-4 / CAL-5: the retake summary sheet --------------------------------------------------


def retake_applications(user, retake_day):
    require_exporter(user)
    return selectors.retake_applications(user, retake_day)


def _log_full_ids(user, kind, applications, origin) -> None:
    """An export that shows full ID numbers is recorded in the access log (who, when, whose)."""
    if applications and sees_full_id_numbers(user):
        record_personal_data_access(user=user, kind=kind, application_ids=[a.pk for a in applications],
                                    origin=origin)


def _counted(applications, progress):
    """The applications numbered from 1, telling `progress(done, total)` as each row is written."""
    progress = progress or (lambda done, total: None)
    for number, application in enumerate(applications, start=1):
        yield number, application
        progress(number, len(applications))


def retake_file_name(retake_day) -> str:
    return f"补考人员汇总表_{retake_day.day:%Y%m%d}.xlsx"


def retake_summary(user, retake_day, *, today=None, origin=None, progress=None) -> bytes:
    """职业技能鉴定补考人员汇总表 for one retake day, for the user's scope."""
    today = today or timezone.localdate()
    applications = list(retake_applications(user, retake_day))
    _log_full_ids(user, PersonalDataKind.REGISTRATION_EXPORT, applications, origin)
    subtitle = _("补考日期：%(day)s　　补考类别：%(kind)s　　原鉴定年度：%(year)s年") % {
        "day": _date(retake_day.day), "kind": retake_day.get_kind_display(), "year": retake_day.failed_in_year}
    workbook, sheet = _sheet(RETAKE_TITLE, RETAKE_HEADERS, subtitle)
    for number, application in _counted(applications, progress):
        remark = "" if application.status == Status.APPROVED else application.get_status_display()
        sheet.append([
            number, application.name, application.get_gender_display(), _id(user, application.id_number),
            application.occupation.name, str(Level.short_label(application.level)),
            application.retake_original_year, application.retake_original_ticket, application.retake_subjects,
            application.phone, application.center.name, remark,
        ])
    sheet.append([])
    sheet.append([_("填表单位（章）：%(unit)s") % {"unit": user.center.name if user.center_id else ""}, None, None,
                  None, None, _("填表人：%(name)s") % {"name": user.display_name}, None, None, None,
                  _("填表日期：%(day)s") % {"day": _date(today)}])
    return _finish(workbook, sheet, (6, 10, 6, 22, 16, 10, 10, 16, 14, 14, 26, 10))


# --- REG-3: registration data reported upward -------------------------------------------------


def report_applications(user, target):
    require_exporter(user)
    return selectors.reported_applications(user, target)


def target_label(target) -> str:
    if isinstance(target, ScheduledAppraisalDay):
        return _("%(center)s %(day)s 定期鉴定") % {"center": target.center.name, "day": _date(target.day)}
    return str(target)


def report_file_name(target) -> str:
    if isinstance(target, ScheduledAppraisalDay):
        return f"报名数据_{target.center.name}_{target.day:%Y%m%d}.xlsx"
    return f"报名数据_{target.year}年{target.get_half_display()}统一鉴定.xlsx"


def registration_report(user, target, *, today=None, origin=None, progress=None) -> bytes:
    """The submitted and approved applications of one appraisal in the user's scope, with status and
    fee, for the upper-level center (REG-3)."""
    today = today or timezone.localdate()
    applications = list(report_applications(user, target))
    _log_full_ids(user, PersonalDataKind.REGISTRATION_EXPORT, applications, origin)
    subtitle = _("鉴定场次：%(target)s　　上报单位：%(unit)s　　上报日期：%(day)s　　共%(count)d人") % {
        "target": target_label(target), "unit": user.center.name if user.center_id else "",
        "day": _date(today), "count": len(applications)}
    workbook, sheet = _sheet(REPORT_TITLE, REPORT_HEADERS, subtitle)
    for number, a in _counted(applications, progress):
        sheet.append([
            number, a.name, a.get_gender_display(), f"{a.birth_month:%Y-%m}", _id(user, a.id_number),
            a.get_education_display(), a.employer_name, a.current_occupation, a.phone, a.held_certificate,
            str(a.get_held_certificate_level_display()) if a.held_certificate_level else "",
            a.held_certificate_issuer, f"{a.held_certificate_date:%Y-%m-%d}" if a.held_certificate_date else "",
            a.professional_title, a.occupation.name, str(a.get_level_display()), a.years_in_occupation,
            a.work_history, a.center.name, str(a.get_status_display()),
            float(a.fee_due) if a.fee_due is not None else None,
            _("已缴费") if a.fee_paid else _("未缴费"),
        ])
    return _finish(
        workbook, sheet,
        (6, 10, 6, 10, 22, 14, 20, 12, 14, 14, 12, 16, 12, 14, 16, 14, 10, 40, 26, 10, 12, 10),
    )


def export_choices(user) -> dict:
    """What the export page offers (selectors.export_choices), for staff only."""
    require_exporter(user)
    return selectors.export_choices(user)
