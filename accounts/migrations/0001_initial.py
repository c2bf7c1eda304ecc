"""The accounts' models move here from taalpad/ with their tables, rows, content types and
permissions: only Django's idea of where they live changes (taalpad 0008 lets go of them)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = ["municipalitymember", "invitation", "claimcode", "pupilaccess", "apitoken"]


def _move_content_types(apps, source, destination):
    """Content types (and with them the permissions and admin log entries that point to
    them) follow the models, unless the new app already has its own."""
    content_types = apps.get_model("contenttypes", "ContentType").objects
    for model in MOVED:
        if not content_types.filter(app_label=destination, model=model).exists():
            content_types.filter(app_label=source, model=model).update(app_label=destination)


def content_types_to_accounts(apps, schema_editor):
    _move_content_types(apps, "taalpad", "accounts")


def content_types_to_taalpad(apps, schema_editor):
    _move_content_types(apps, "accounts", "taalpad")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('schools', '0010_result_one_per_instrument_and_date'),
        ('taalpad', '0007_carry_api_tokens'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables exist (taalpad 0001-0007 made them): nothing to do in the database.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PupilAccess',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='when')),
                        ('user_id', models.BigIntegerField(null=True, verbose_name='account')),
                        ('pupil_id', models.BigIntegerField(db_index=True, verbose_name='pupil')),
                        ('action', models.CharField(choices=[('view', 'viewed'), ('change', 'changed'), ('download', 'downloaded')], max_length=10, verbose_name='what')),
                        ('path', models.CharField(blank=True, max_length=300, verbose_name='where')),
                    ],
                    options={
                        'verbose_name': 'pupil record access',
                        'verbose_name_plural': 'pupil record accesses',
                        'db_table': 'taalpad_pupilaccess',
                        'ordering': ['-at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('digest', models.CharField(max_length=64, unique=True)),
                        ('prefix', models.CharField(max_length=8, verbose_name='starts with')),
                        ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='api_token', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'API token',
                        'verbose_name_plural': 'API tokens',
                        'db_table': 'taalpad_apitoken',
                    },
                ),
                migrations.CreateModel(
                    name='ClaimCode',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code_hash', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='made')),
                        ('expires_at', models.DateTimeField(verbose_name='valid until')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='made by')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='claim_code', to=settings.AUTH_USER_MODEL, verbose_name='account')),
                    ],
                    options={
                        'verbose_name': 'one-time code',
                        'verbose_name_plural': 'one-time codes',
                        'db_table': 'taalpad_claimcode',
                    },
                ),
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='sent')),
                        ('expires_at', models.DateTimeField(verbose_name='valid until')),
                        ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='accepted')),
                        ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='invited by')),
                        ('school', models.ForeignKey(blank=True, help_text='Empty for municipality staff, who are invited by an administrator.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='schools.school', verbose_name='school')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to=settings.AUTH_USER_MODEL, verbose_name='invited person')),
                    ],
                    options={
                        'verbose_name': 'invitation',
                        'verbose_name_plural': 'invitations',
                        'db_table': 'taalpad_invitation',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='MunicipalityMember',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(blank=True, max_length=100, verbose_name='job title')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='municipality_member', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'municipality member',
                        'verbose_name_plural': 'municipality members',
                        'db_table': 'taalpad_municipalitymember',
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_to_accounts, content_types_to_taalpad),
    ]
