"""The level table takes the shape of the figures: one row per pupil and period with the five
skills' levels as columns (LevelPeriod) in place of one row per pupil, skill and span
(LevelSpan). The new table is derived from the results, as `schools.levels` does it; the SQL is
copied here so that this migration keeps doing what it did when the code moves on."""

import django.db.models.deletion
from django.db import migrations, models

SKILLS = ("listening", "reading", "spoken_interaction", "spoken_production", "writing")
OPEN_END = "9999-12-31"


def fill_level_periods(apps, schema_editor):
    """Window functions only, no join, so that SQLite is as linear as PostgreSQL."""
    connection = schema_editor.connection
    open_end = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
    of_day = ", ".join(
        f"MAX(CASE WHEN skill = '{skill}' THEN level END) AS {skill}" for skill in SKILLS
    )
    stretch = ", ".join(
        f"COUNT({skill}) OVER (PARTITION BY pupil_id ORDER BY day) AS {skill}_stretch"
        for skill in SKILLS
    )
    filled = ", ".join(
        f"MAX({skill}) OVER (PARTITION BY pupil_id, {skill}_stretch) AS {skill}"
        for skill in SKILLS
    )
    sql = f"""
        WITH last_of_day AS (
            SELECT pupil_id, skill, level, assessed_on,
                   ROW_NUMBER() OVER (PARTITION BY pupil_id, skill, assessed_on
                                      ORDER BY entered_at DESC, id DESC) AS rank
            FROM schools_result
        ),
        days AS (
            SELECT pupil_id, assessed_on AS day, {of_day}
            FROM last_of_day WHERE rank = 1
            GROUP BY pupil_id, assessed_on
        ),
        stretches AS (
            SELECT pupil_id, day, {", ".join(SKILLS)}, {stretch},
                   LEAD(day) OVER (PARTITION BY pupil_id ORDER BY day) AS next_day
            FROM days
        )
        INSERT INTO schools_levelperiod (pupil_id, valid_from, valid_to, {", ".join(SKILLS)})
        SELECT pupil_id, day, COALESCE(next_day, {open_end}), {filled}
        FROM stretches
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [OPEN_END])


def empty_level_spans(apps, schema_editor):
    # Back to per-skill spans: `manage.py check_levels --repair` derives them again.
    pass


class Migration(migrations.Migration):

    dependencies = [
        ('schools', '0012_delete_target'),
    ]

    operations = [
        migrations.CreateModel(
            name='LevelPeriod',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField()),
                ('valid_to', models.DateField()),
                ('listening', models.PositiveSmallIntegerField(choices=[(0, 'below A1'), (1, 'A1'), (2, 'A2'), (3, 'B1'), (4, 'B2'), (5, 'C1'), (6, 'C2')], null=True)),
                ('reading', models.PositiveSmallIntegerField(choices=[(0, 'below A1'), (1, 'A1'), (2, 'A2'), (3, 'B1'), (4, 'B2'), (5, 'C1'), (6, 'C2')], null=True)),
                ('spoken_interaction', models.PositiveSmallIntegerField(choices=[(0, 'below A1'), (1, 'A1'), (2, 'A2'), (3, 'B1'), (4, 'B2'), (5, 'C1'), (6, 'C2')], null=True)),
                ('spoken_production', models.PositiveSmallIntegerField(choices=[(0, 'below A1'), (1, 'A1'), (2, 'A2'), (3, 'B1'), (4, 'B2'), (5, 'C1'), (6, 'C2')], null=True)),
                ('writing', models.PositiveSmallIntegerField(choices=[(0, 'below A1'), (1, 'A1'), (2, 'A2'), (3, 'B1'), (4, 'B2'), (5, 'C1'), (6, 'C2')], null=True)),
                ('pupil', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='schools.pupil')),
            ],
        ),
        migrations.AddIndex(
            model_name='levelperiod',
            index=models.Index(fields=['pupil', 'valid_to', 'valid_from', 'listening', 'reading', 'spoken_interaction', 'spoken_production', 'writing'], name='levelperiod_pupil_dates_idx'),
        ),
        migrations.RunPython(fill_level_periods, empty_level_spans),
        migrations.DeleteModel(
            name='LevelSpan',
        ),
    ]
