"""API tokens made before they were stored hashed keep working: each key of Django REST
framework's token table is stored as its digest, then that table (which held the keys in
plain text) is dropped."""

import hashlib

from django.db import migrations

OLD_TABLE = "authtoken_token"


def carry(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("taalpad", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {schema_editor.quote_name(OLD_TABLE)}")
        rows = cursor.fetchall()
    for key, user_id, created in rows:
        token = ApiToken.objects.create(
            user_id=user_id, digest=hashlib.sha256(key.encode()).hexdigest(), prefix=key[:6]
        )
        ApiToken.objects.filter(pk=token.pk).update(created=created)
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(OLD_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("taalpad", "0006_api_tokens_hashed")]

    operations = [migrations.RunPython(carry, migrations.RunPython.noop)]
