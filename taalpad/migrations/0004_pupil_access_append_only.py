"""Make the pupil access trail append-only in the database itself.

UPDATE and DELETE are refused; emptying a whole database (TRUNCATE, as a test run or a
restore does) stays an administrator's act outside the application."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER taalpad_pupilaccess_no_update BEFORE UPDATE ON taalpad_pupilaccess
       BEGIN SELECT RAISE(ABORT, 'the pupil access trail cannot be changed'); END""",
    """CREATE TRIGGER taalpad_pupilaccess_no_delete BEFORE DELETE ON taalpad_pupilaccess
       BEGIN SELECT RAISE(ABORT, 'the pupil access trail cannot be changed'); END""",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS taalpad_pupilaccess_no_update",
    "DROP TRIGGER IF EXISTS taalpad_pupilaccess_no_delete",
]
POSTGRESQL = [
    """CREATE FUNCTION taalpad_pupilaccess_refuse() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the pupil access trail cannot be changed'; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER taalpad_pupilaccess_append_only BEFORE UPDATE OR DELETE
       ON taalpad_pupilaccess FOR EACH ROW EXECUTE FUNCTION taalpad_pupilaccess_refuse()""",
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER IF EXISTS taalpad_pupilaccess_append_only ON taalpad_pupilaccess",
    "DROP FUNCTION IF EXISTS taalpad_pupilaccess_refuse()",
]


def run(statements):
    def apply(apps, schema_editor):
        chosen = statements.get(schema_editor.connection.vendor, [])
        for statement in chosen:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("taalpad", "0003_pupil_access")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRESQL_UNDO}),
        )
    ]
