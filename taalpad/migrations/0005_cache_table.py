"""The table of the database cache, which holds rate limits and cached figures wherever no
Redis is configured (so that every worker shares them)."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "taalpad_cache"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("taalpad", "0004_pupil_access_append_only")]

    operations = [migrations.RunPython(create, drop)]
