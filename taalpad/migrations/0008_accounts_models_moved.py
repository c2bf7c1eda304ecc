"""The accounts' models now live in accounts/ (its 0001 takes them over); their tables stay
where they are, so only the state changes here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('taalpad', '0007_carry_api_tokens'),
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='apitoken',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='claimcode',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='claimcode',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='invitation',
                    name='invited_by',
                ),
                migrations.RemoveField(
                    model_name='invitation',
                    name='school',
                ),
                migrations.RemoveField(
                    model_name='invitation',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='municipalitymember',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='PupilAccess',
                ),
                migrations.DeleteModel(
                    name='ApiToken',
                ),
                migrations.DeleteModel(
                    name='ClaimCode',
                ),
                migrations.DeleteModel(
                    name='Invitation',
                ),
                migrations.DeleteModel(
                    name='MunicipalityMember',
                ),
            ],
        ),
    ]
