"""FEE-1: load a demo fee schedule (鉴定收费标准) for every occupation level.

The amounts are DEMO values, not the province's real price list: 吉省价收字〔2001〕24号 is named as the
document the fees follow, but its figures are not part of the notice. Replace them with the real
schedule in the admin (收费标准) before production use. Idempotent: an existing row for the same
occupation, level and effective date is left as it is (staff edits survive a second run).
"""

import datetime
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from appraisal.models import OccupationLevel
from registration import reference_cache
from registration.models import FeeSchedule

DOCUMENT = "吉省价收字〔2001〕24号"
EFFECTIVE_FROM = datetime.date(2001, 1, 1)
DEMO_AMOUNTS = {5: Decimal("120"), 4: Decimal("150"), 3: Decimal("200"), 2: Decimal("280"), 1: Decimal("350")}


@transaction.atomic
def load_fee_schedule(*, effective_from=EFFECTIVE_FROM) -> int:
    """Create the missing demo fees; returns how many rows were created."""
    existing = set(
        FeeSchedule.objects.filter(effective_from=effective_from).values_list("occupation_id", "level")
    )
    missing = [
        FeeSchedule(
            occupation_id=occupation_id, level=level, amount=DEMO_AMOUNTS[level],
            effective_from=effective_from, document=DOCUMENT,
        )
        for occupation_id, level in OccupationLevel.objects.values_list("occupation_id", "level")
        if (occupation_id, level) not in existing
    ]
    FeeSchedule.objects.bulk_create(missing)
    reference_cache.forget()  # bulk_create sends no signals
    return len(missing)


class Command(BaseCommand):
    help = (
        "加载演示用鉴定收费标准（FEE-1）：每个职业等级一条，五级120元、四级150元、三级200元、二级280元、"
        "一级350元，收费依据吉省价收字〔2001〕24号。注意：金额为演示数据，并非该文件的实际标准，"
        "正式使用前请在管理后台“收费标准”中按实际标准修改。可重复运行，已有记录不会被覆盖。"
        " / Loads DEMO fee amounts (not the real price list); idempotent."
    )

    def handle(self, *args, **options):
        created = load_fee_schedule()
        total = FeeSchedule.objects.count()
        self.stdout.write(self.style.SUCCESS(f"已新增收费标准 {created} 条（共 {total} 条，演示金额）。"))
