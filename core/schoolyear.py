"""School years and the days figures are read on: the calendar rules every app shares.

A school year runs from 1 August to 31 July and is named by the calendar year it starts in;
its figures are those of 31 July. A target's figures are never read after its deadline.
"""

import datetime


def school_year_of(day):
    """The calendar year in which the school year containing `day` began."""
    return day.year if day.month >= 8 else day.year - 1


def first_day(start_year):
    return datetime.date(start_year, 8, 1)


def last_day(start_year):
    return datetime.date(start_year + 1, 7, 31)


def is_last_day(day):
    """Whether `day` is 31 July, the day a school year's figures are taken."""
    return (day.month, day.day) == (7, 31)


def clipped_to_deadline(day, deadline):
    """The day a target's figures asked for `day` are read on: the deadline once it passed."""
    return min(day, deadline)
