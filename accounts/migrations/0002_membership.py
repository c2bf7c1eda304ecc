"""School memberships move here from schools/ with their table, rows, content type and
permissions: only Django's idea of where they live changes (schools 0011 lets go of them)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, source, destination):
    """The content type (and with it the permissions and admin log entries that point to it)
    follows the model, unless the new app already has its own."""
    content_types = apps.get_model("contenttypes", "ContentType").objects
    if not content_types.filter(app_label=destination, model="membership").exists():
        content_types.filter(app_label=source, model="membership").update(app_label=destination)


def content_type_to_accounts(apps, schema_editor):
    _move_content_type(apps, "schools", "accounts")


def content_type_to_schools(apps, schema_editor):
    _move_content_type(apps, "accounts", "schools")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('schools', '0010_result_one_per_instrument_and_date'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists (schools 0001 made it): nothing to do in the database.
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('teacher', 'teacher'), ('coordinator', 'coordinator')], max_length=20, verbose_name='role')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='schools.school', verbose_name='school')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'school membership',
                'verbose_name_plural': 'school memberships',
                'db_table': 'schools_membership',
                'ordering': ['school', 'role', 'user'],
                'constraints': [models.UniqueConstraint(fields=('user', 'school'), name='membership_unique_per_school', violation_error_message='This person already has a role at this school.'), models.CheckConstraint(condition=models.Q(('role__in', ['teacher', 'coordinator'])), name='membership_role_valid', violation_error_message='Unknown role.')],
            },
        ),
            ],
        ),
        migrations.RunPython(content_type_to_accounts, content_type_to_schools),
    ]
