"""What schools tells the apps above it, which subscribe in their AppConfig.ready (schools
imports none of them).

`levels_changed`: results or enrolments were written in bulk (no model signal was sent);
`since` is the earliest date the write touches, or None for any date. Sent inside the writing
transaction, so a receiver's work commits or rolls back with it.
"""

from django.dispatch import Signal

levels_changed = Signal()


def announce_levels_changed(*, since=None):
    levels_changed.send(sender=None, since=since)


# `manage.py check_levels` asks the apps above for what they keep derived from the results:
# each receiver answers (what it is, [differences found]), and clears it when `repair` is set.
derived_data_check = Signal()


def check_derived_data(*, repair=False):
    return [answer for _receiver, answer in derived_data_check.send(sender=None, repair=repair)]
