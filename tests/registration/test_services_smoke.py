from registration import services
from registration.models import Status


def test_reg1_draft_gets_nongan_center(draft, centers):
    assert draft.status == Status.DRAFT
    assert draft.center == centers["nongan"]
    assert draft.transitions.count() == 1


def test_reg2_missing_materials_listed_before_submit(draft):
    results = services.check_eligibility(draft)
    materials = next(r for r in results if r["check"] == "materials")
    assert not materials["ok"]
    assert "身份证复印件" in materials["message"]
