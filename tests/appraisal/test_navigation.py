"""The core collects what the apps contribute: the top bar, each role's home and the public pages
show the links registration, exams, certificates and stats contribute (appraisal/extensions.py), role by role."""

import re

import pytest
from django.urls import reverse

from appraisal.demo import DEMO_PASSWORD
from appraisal.extensions import Link, contribute, links_for

CLERK_HOME = [
    "报名审核", "代考生录入", "批量导入", "数据导出", "增加鉴定场次", "考试场次与考位", "考点与考场",
    "考评员资格", "成绩录入与发布", "成绩更正", "证书核发", "证书打印", "证书查询与发放", "证书数据上报",
    "季度统计", "鉴定机构", "鉴定权限查询",
]
HOMES = {
    "candidate": ["新建鉴定申报", "我的申报与审核进度", "打印准考证", "查询成绩", "我的证书"],
    "staff_nongan": CLERK_HOME,
    "staff_changchun": CLERK_HOME,
    # Papers are requested from the province: only its staff see the requests.
    "province_admin": [*CLERK_HOME[:10], "试卷申请", *CLERK_HOME[10:14], "全国数据交换", *CLERK_HOME[14:],
                       "工作日历维护", "个人信息访问记录"],
    "examiner": ["我参与的考试场次", "成绩录入", "鉴定机构", "鉴定权限查询"],
    "hr_official": ["报名情况", "数据导出", "考试场次", "成绩更正", "证书查询", "季度统计", "鉴定机构", "鉴定权限查询"],
}
TOPBARS = {
    "candidate": ["首页", "我的申报", "准考证", "我的成绩", "我的证书", "鉴定日历", "消息", "个人设置", "修改密码"],
    "staff_nongan": ["首页", "报名审核", "考务管理", "成绩", "证书", "统计", "鉴定日历", "消息", "修改密码"],
    "province_admin": ["首页", "报名审核", "考务管理", "成绩", "证书", "统计", "鉴定日历", "消息", "管理后台", "修改密码"],
}


def section_links(html: str, pattern: str) -> list[str]:
    block = re.search(pattern, html, re.S).group(1)
    return re.findall(r"<a [^>]*>([^<]+)</a>", block)


@pytest.mark.parametrize("username", sorted(HOMES))
def test_org8_each_role_home_shows_the_links_its_apps_contribute(client, db, username):
    client.login(username=username, password=DEMO_PASSWORD)
    html = client.get(reverse("home")).content.decode()
    html = re.sub(r'<section class="card notices".*?</section>', "", html, flags=re.S)  # the notices (待办提醒)
    assert section_links(html, r'<ul class="shortcuts">(.*?)</ul>') == HOMES[username]


@pytest.mark.parametrize("username", sorted(TOPBARS))
def test_top_bar_shows_the_contributed_links_for_the_role(client, db, username):
    client.login(username=username, password=DEMO_PASSWORD)
    html = client.get(reverse("home")).content.decode()
    assert section_links(html, r'<nav class="nav"[^>]*>(.*?)</nav>') == TOPBARS[username]


@pytest.mark.parametrize("url_name", ["login", "calendar"])
def test_public_pages_offer_registration_sign_up_to_visitors(client, db, url_name):
    html = client.get(reverse(url_name)).content.decode()
    assert f'href="{reverse("registration:signup")}">考生注册</a>' in html


def test_every_contributed_link_resolves_for_every_role(db, django_user_model):
    """A contributed URL name that does not exist would break every page: each one reverses."""
    for username in HOMES:
        user = django_user_model.objects.get(username=username)
        for place in ("topbar", "home"):
            assert all(link.url.startswith("/") for link in links_for(place, user))


def test_contributions_are_ordered_and_added_once(monkeypatch):
    from appraisal import extensions

    monkeypatch.setitem(extensions._links, "home", [])
    late = Link("后", "calendar", frozenset({"candidate"}), order=20)
    early = Link("先", "calendar", frozenset({"candidate"}), order=10)
    contribute("home", [late, early])
    contribute("home", [late])  # a second ready() adds nothing
    assert extensions._links["home"] == [early, late]
    with pytest.raises(ValueError):
        contribute("sidebar", [early])
