"""ORG-2..ORG-7: the centers page shows each center's statutory levels from the authority engine
(county 5–4; city 5–4 of its own level and 3 for its region; province 2–1 and 中省属), never "—"."""

from django.urls import reverse

from appraisal import authority


def test_org2_org3_org4_statutory_levels_per_kind(centers):
    assert authority.statutory_levels(centers["nongan"]) == "初级工、中级工（本县）"
    assert authority.statutory_levels(centers["changchun"]) == "初级工、中级工（本级市区）；高级工（本地区，含所辖县）"
    province = authority.statutory_levels(centers["province"])
    assert province.startswith("技师、高级技师（全省）") and "中省属单位职工" in province


def test_org5_org7_granted_levels_for_expanded_counties_schools_and_enterprises(centers):
    assert "高级工" in authority.statutory_levels(centers["gongzhuling"])  # granted 5-3
    assert authority.statutory_levels(centers["gongzhuling"]).endswith("（本县，按批准权限）")
    assert authority.statutory_levels(centers["school"]).endswith("（本校学生）")
    assert authority.statutory_levels(centers["enterprise"]).endswith("（本企业职工）")
    assert "不是鉴定机构" in authority.statutory_levels(centers["affiliated"])


def test_org8_centers_page_shows_levels_not_a_dash(client, demo_user):
    client.force_login(demo_user("province_admin"))
    response = client.get(reverse("center_list"))
    body = response.content.decode()
    cells = body.split('data-testid="center-levels">')[1:]
    assert cells and all(not cell.startswith("—") for cell in cells)
    assert "初级工、中级工（本县）" in body
