"""Migration operations shared by the apps."""

from django.db import migrations

REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION appraisal_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '%% is append-only: %% refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def append_only(table: str) -> migrations.RunPython:
    """On PostgreSQL, `table` refuses UPDATE and DELETE in the database itself, so not even a direct
    SQL session can rewrite the trail; elsewhere the model's AppendOnlyModel guard stands alone."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(REFUSE_FUNCTION)
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION appraisal_refuse_change();"
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")

    return migrations.RunPython(forwards, backwards)
