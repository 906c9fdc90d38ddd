"""CERT-4: the number's scheme, atomic allocation, never past 99,999, never reused."""

import threading

import pytest
from django.core.exceptions import ValidationError

from certificates import numbering, services
from certificates.models import NumberCounter
from tests.support.concurrency import at_once


def test_scheme_is_sixteen_digits_and_parses_back(centers):
    changchun = centers["changchun"]
    number = numbering.format_number(numbering.prefix(changchun, 2026, 3), 42)
    assert number == f"262201{changchun.certificate_body_kind}{changchun.certificate_body_serial:03d}300042"
    assert numbering.parse(number) == {"year": "26", "province": "22", "prefecture": "01",
                                       "body_kind": changchun.certificate_body_kind,
                                       "body_serial": f"{changchun.certificate_body_serial:03d}",
                                       "level": "3", "running": "00042"}
    assert numbering.parse("26220120010004") is None and numbering.parse("2622012001000x42") is None


def test_every_center_has_a_distinct_body_code(centers):
    from appraisal.models import Center

    codes = [c.certificate_body_code for c in Center.objects.all()]
    assert None not in codes and len(codes) == len(set(codes))
    assert centers["province"].certificate_body_code == "000001"  # the guidance center, kind 0
    assert centers["enterprise"].certificate_body_kind == "4"


def test_a_body_without_code_is_refused(centers):
    from appraisal.models import Center

    Center.objects.filter(pk=centers["yushu"].pk).update(certificate_prefecture="", certificate_body_kind="",
                                                         certificate_body_serial=None)
    centers["yushu"].refresh_from_db()
    with pytest.raises(ValidationError, match="尚未设置证书机构代码"):
        numbering.prefix(centers["yushu"], 2026, 5)


def test_allocation_is_consecutive_and_refuses_past_99999(centers, db):
    body = centers["nongan"]
    assert list(numbering.allocate(body, 2026, 5, 3)) == [1, 2, 3]
    assert list(numbering.allocate(body, 2026, 5)) == [4]
    assert list(numbering.allocate(body, 2026, 4)) == [1]  # per level
    NumberCounter.objects.filter(body=body, year=2026, level=5).update(last=99_998)
    assert list(numbering.allocate(body, 2026, 5)) == [99_999]
    with pytest.raises(ValidationError, match="编号不能超过99999"):
        numbering.allocate(body, 2026, 5)
    with pytest.raises(ValidationError, match="仅剩0个"):
        numbering.allocate(body, 2026, 5, 2)
    assert NumberCounter.objects.get(body=body, year=2026, level=5).last == 99_999  # no wrap-around


def test_exhausted_numbers_refuse_the_whole_issue(published_session, demo_user, centers):
    NumberCounter.objects.create(body=centers["nongan"], year=__import__("datetime").date.today().year, level=5,
                                 last=99_998)
    with pytest.raises(ValidationError, match="编号不能超过99999"):
        services.issue_for_session(published_session, actor=demo_user("staff_nongan"))
    from certificates.models import Certificate

    assert not Certificate.objects.exists()  # nothing half-issued


@pytest.mark.django_db(transaction=True)
def test_eight_threads_issuing_500_numbers_get_500_distinct_consecutive(on_postgres):
    """Each thread takes numbers one at a time, each in its own transaction, all at once."""
    from django.db import transaction

    from appraisal.models import Center, CenterKind

    province = Center.objects.filter(kind=CenterKind.PROVINCE).first() or Center.objects.create(
        name="省中心（并发测试）", kind=CenterKind.PROVINCE, certificate_prefecture="00", certificate_body_kind="0",
        certificate_body_serial=1)
    shares = iter([63] * 4 + [62] * 4)
    got, lock = [], threading.Lock()

    def allocate_share():
        with lock:
            share = next(shares)
        mine = []
        for _ in range(share):
            with transaction.atomic():
                mine.extend(numbering.allocate(province, 2030, 5))
        with lock:
            got.extend(mine)

    at_once(allocate_share, 8)
    assert sorted(got) == list(range(1, 501))
    assert NumberCounter.objects.get(body=province, year=2030, level=5).last == 500


def test_assign_command_fills_missing_codes_and_keeps_set_ones(centers):
    from io import StringIO

    from django.core.management import call_command

    from appraisal.models import Center

    Center.objects.filter(pk=centers["yushu"].pk).update(certificate_prefecture="", certificate_body_kind="",
                                                         certificate_body_serial=None)
    kept = Center.objects.get(pk=centers["nongan"].pk).certificate_body_code
    out = StringIO()
    call_command("assign_certificate_codes", stdout=out)
    assert "已为 1 个鉴定机构分配" in out.getvalue()
    yushu = Center.objects.get(pk=centers["yushu"].pk)
    assert yushu.certificate_prefecture == "01" and yushu.certificate_body_kind == "2"
    assert Center.objects.get(pk=centers["nongan"].pk).certificate_body_code == kept
