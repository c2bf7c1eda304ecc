"""Targets move here from schools/ with their table, rows, content type and permissions: only
Django's idea of where they live changes (schools 0012 lets go of them)."""

from django.db import migrations, models


def _move_content_type(apps, source, destination):
    """The content type (and with it the permissions and admin log entries that point to it)
    follows the model, unless the new app already has its own."""
    content_types = apps.get_model("contenttypes", "ContentType").objects
    if not content_types.filter(app_label=destination, model="target").exists():
        content_types.filter(app_label=source, model="target").update(app_label=destination)


def content_type_to_progress(apps, schema_editor):
    _move_content_type(apps, "schools", "progress")


def content_type_to_schools(apps, schema_editor):
    _move_content_type(apps, "progress", "schools")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('schools', '0011_delete_membership'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists (schools 0001 made it): nothing to do in the database.
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='Target',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, unique=True, verbose_name='name')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('threshold', models.PositiveSmallIntegerField(choices=[(0, 'below A1'), (1, 'A1'), (2, 'A2'), (3, 'B1'), (4, 'B2'), (5, 'C1'), (6, 'C2')], default=3, verbose_name='threshold level')),
                ('required_skills', models.JSONField(default=list, verbose_name='required skills')),
                ('sectors', models.JSONField(blank=True, default=list, verbose_name='sectors')),
                ('tracks', models.JSONField(blank=True, default=list, verbose_name='tracks')),
                ('year_levels', models.JSONField(blank=True, default=list, verbose_name='year levels')),
                ('share', models.DecimalField(decimal_places=3, help_text='As a fraction: 0.500 is half of the population.', max_digits=4, verbose_name='share to reach')),
                ('deadline', models.DateField(verbose_name='deadline')),
                ('baseline_on', models.DateField(blank=True, null=True, verbose_name='baseline date')),
            ],
            options={
                'verbose_name': 'target',
                'verbose_name_plural': 'targets',
                'db_table': 'schools_target',
                'ordering': ['deadline', 'name'],
                'constraints': [models.CheckConstraint(condition=models.Q(('share__gt', 0), ('share__lte', 1)), name='target_share_fraction', violation_error_message='The share to reach lies above 0 and at most 1.'), models.CheckConstraint(condition=models.Q(('threshold__gte', 1), ('threshold__lte', 6)), name='target_threshold_level', violation_error_message='The threshold is a level from A1 to C2.')],
            },
        ),
            ],
        ),
        migrations.RunPython(content_type_to_progress, content_type_to_schools),
    ]
