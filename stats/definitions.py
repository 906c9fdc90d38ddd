"""Every statistics figure and breakdown, defined once (STAT-1).

Pages, the Excel workbook, the analysis report, frozen submissions and docs/statistics.md all read
these lists; `stats.selectors` computes them from the live records. A figure belongs to the center
that holds the application (`Application.center`) and to the quarter in which its event happened
(the date named in its definition).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

COUNT, RATE, MONEY = "count", "rate", "money"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    kind: str  # COUNT (int), RATE (float 0..1, or None when the base is 0), MONEY (Decimal, yuan)


@dataclass(frozen=True)
class Breakdown:
    key: str
    label: str
    definition: str


FIGURES: tuple[Figure, ...] = (
    Figure("applied", _("申报受理人数"),
           _("提交时间在本季度内的鉴定申报份数（含补考申报；草稿不计）。"), COUNT),
    Figure("approved", _("审核通过人数"),
           _("本季度内审核通过的申报份数（以审核通过的时间为准，同一申报只计一次）。"), COUNT),
    Figure("rejected", _("审核不通过人数"),
           _("本季度内审核不通过的申报份数（以审核不通过的时间为准）。"), COUNT),
    Figure("returned", _("退回修改人数"),
           _("本季度内被退回修改的申报份数（同一申报多次退回只计一次）。"), COUNT),
    Figure("appraised", _("参加鉴定人数"),
           _("考试日期在本季度内、成绩已发布的场次中，至少有一个科目有成绩的考生人数。"), COUNT),
    Figure("qualified", _("鉴定合格人数"),
           _("参加鉴定人数中，本次所考科目成绩全部合格、无科目因违纪判为无效且未被取消鉴定资格的人数"
             "（保留的合格科目不再考，按合格计）。"), COUNT),
    Figure("pass_rate", _("鉴定合格率"),
           _("鉴定合格人数 ÷ 参加鉴定人数；参加鉴定人数为0时不计算。"), RATE),
    Figure("certified", _("核发证书数"),
           _("发证日期在本季度内的职业资格证书数（含其后被撤销的证书）。"), COUNT),
    Figure("delivered", _("发放证书数"),
           _("发放日期在本季度内的证书数。"), COUNT),
    Figure("delivered_on_time", _("按期发放证书数"),
           _("发放证书数中，发放日期不晚于发放期限（成绩发布后15个工作日，CERT-3）的证书数。"), COUNT),
    Figure("revoked", _("撤销证书数"),
           _("撤销日期在本季度内的证书数。"), COUNT),
    Figure("retakes", _("补考申报人数"),
           _("提交时间在本季度内的补考申报份数。"), COUNT),
    Figure("fees_due", _("应收鉴定费（元）"),
           _("提交时间在本季度内、现为审核通过状态的申报应缴鉴定费合计。"), MONEY),
    Figure("fees_paid", _("实收鉴定费（元）"),
           _("缴费登记时间在本季度内、现为已缴费的申报应缴鉴定费合计。"), MONEY),
)

FIGURE_KEYS = tuple(f.key for f in FIGURES)
FIGURES_BY_KEY = {f.key: f for f in FIGURES}
COUNT_KEYS = tuple(f.key for f in FIGURES if f.kind == COUNT)
MONEY_KEYS = tuple(f.key for f in FIGURES if f.kind == MONEY)
# The keys quarter_totals() promises to every caller (reused by other parts and by checks).
PINNED_TOTALS = ("applied", "appraised", "qualified", "certified")


BREAKDOWNS: tuple[Breakdown, ...] = (
    Breakdown("level", _("按等级"), _("申报等级：五级/初级工至一级/高级技师。")),
    Breakdown("occupation", _("按职业"), _("申报职业。")),
    Breakdown("appraisal_kind", _("按鉴定类别"),
              _("全国统一鉴定、全省统一鉴定（按所申报的统一鉴定及职业类别），其余为日常鉴定（定期鉴定日、补考日）。")),
    Breakdown("candidate_kind", _("按考生类别"),
              _("院校学生（填写了就读院校）、中省属单位职工（所属单位为中省直单位）、"
                "企业职工（所属行业企业）、其他。")),
    Breakdown("center", _("按鉴定机构"),
              _("本机构本级，及其下属各机构（含其下属机构的数字；扩权县只计入所属地市）。")),
)

BREAKDOWN_KEYS = tuple(b.key for b in BREAKDOWNS)

# The values of the two breakdowns that are no model field.
APPRAISAL_KINDS = (
    ("national_unified", _("全国统一鉴定")),
    ("provincial_unified", _("全省统一鉴定")),
    ("daily", _("日常鉴定")),
)
CANDIDATE_KINDS = (
    ("school_student", _("院校学生")),
    ("enterprise_employee", _("企业职工")),
    ("affiliated_unit", _("中省属单位职工")),
    ("other", _("其他")),
)

TREND_QUARTERS = 8
