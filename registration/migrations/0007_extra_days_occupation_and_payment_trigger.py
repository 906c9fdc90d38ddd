"""Two follow-ups of CAL-6 and FEE-1 for data that existed before them:

- an extra appraisal day approved before days could be limited to an occupation gets the occupation
  its request asked for (otherwise it would stay open to every occupation);
- on PostgreSQL, payment records refuse UPDATE and DELETE in the database itself, like the exams'
  audit tables (the model refuses them already)."""

from django.db import migrations

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION registration_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%% is append-only: %% refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def limit_approved_extra_days(apps, schema_editor):
    ExtraSessionRequest = apps.get_model("registration", "ExtraSessionRequest")
    ScheduledAppraisalDay = apps.get_model("appraisal", "ScheduledAppraisalDay")
    approved = ExtraSessionRequest.objects.filter(status="approved", scheduled_day__isnull=False)
    for request in approved.only("scheduled_day_id", "occupation_id"):
        ScheduledAppraisalDay.objects.filter(pk=request.scheduled_day_id, occupation__isnull=True).update(
            occupation_id=request.occupation_id
        )


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(TRIGGER_FUNCTION)
    schema_editor.execute(
        "CREATE TRIGGER registration_paymentrecord_append_only BEFORE UPDATE OR DELETE ON registration_paymentrecord "
        "FOR EACH ROW EXECUTE FUNCTION registration_refuse_change();"
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS registration_paymentrecord_append_only ON registration_paymentrecord;")
    schema_editor.execute("DROP FUNCTION IF EXISTS registration_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0006_material_original_check"),
        ("appraisal", "0003_condition_years_since_certificate"),
    ]

    operations = [
        migrations.RunPython(limit_approved_extra_days, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
