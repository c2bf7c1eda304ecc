"""School memberships now live in accounts/ (its 0002 takes them over); their table stays where
it is, so only the state changes here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('schools', '0010_result_one_per_instrument_and_date'),
        ('accounts', '0002_membership'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='Membership')],
        ),
    ]
