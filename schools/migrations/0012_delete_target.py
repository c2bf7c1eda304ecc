"""Targets now live in progress/ (its 0001 takes them over); their table stays where it is, so
only the state changes here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('schools', '0011_delete_membership'),
        ('progress', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='Target')],
        ),
    ]
