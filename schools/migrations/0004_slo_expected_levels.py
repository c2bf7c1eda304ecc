"""City-wide expected German levels per track (SLO "ERK streefniveaus Duits", 2019).

"A2/B1" is stored as A2 up to B1. The havo row rests on secondary sources only, so it is
marked as not confirmed; coordinators can adjust every row for their school.
"""

from django.db import migrations

A1, A2, B1, B2 = 1, 2, 3, 4
SKILLS = ["listening", "reading", "spoken_interaction", "spoken_production", "writing"]
# track: per skill (level, upper level or None)
SLO = {
    "vmbo-bb": [(A2, None), (A2, B1), (A2, None), (A2, None), (A1, None)],
    "vmbo-kb": [(A2, None), (A2, B1), (A2, None), (A2, None), (A1, A2)],
    "vmbo-gt": [(A2, B1), (A2, B1), (A2, None), (A2, None), (A2, None)],
    "havo": [(B1, None), (B1, None), (B1, None), (B1, None), (A2, B1)],
    "vwo": [(B2, None), (B2, None), (B2, None), (B2, None), (B1, None)],
}


def add_levels(apps, schema_editor):
    ExpectedLevel = apps.get_model("schools", "ExpectedLevel")
    ExpectedLevel.objects.bulk_create(
        ExpectedLevel(
            school=None, track=track, skill=skill, level=level, upper_level=upper,
            confirmed=track != "havo",
        )
        for track, levels in SLO.items()
        for skill, (level, upper) in zip(SKILLS, levels, strict=True)
    )


def remove_levels(apps, schema_editor):
    apps.get_model("schools", "ExpectedLevel").objects.filter(school=None).delete()


class Migration(migrations.Migration):
    dependencies = [("schools", "0003_result_history_expected_levels")]

    operations = [migrations.RunPython(add_levels, remove_levels)]
