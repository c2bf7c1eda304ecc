"""A group against the city's target: each pupil's current levels, whether they reach the
target, how many are assessed per skill. Staff see their own pupils exactly, so nothing here
is suppressed; the access layer decides beforehand which groups a person may open."""

from core.cefr import Skill
from progress.targets import default_target, meets_target
from schools.levels import levels_on
from schools.selectors import (
    expected_levels,
    pupils_enrolled,
    quality_flags,
    reference_date,
)


def group_overview(group, *, today):
    """The figures of the group page: on the group's reference date, one row per pupil."""
    on = reference_date(group, today)
    pupils = list(pupils_enrolled(group=group, on=on))
    pupil_ids = [pupil.pk for pupil in pupils]
    levels = levels_on(pupils=pupil_ids, on=on)
    expected = expected_levels(school=group.school)
    target = default_target(on)
    flags = quality_flags(pupil_ids=pupil_ids, school_year=group.school_year, today=today)
    rows = []
    for pupil in pupils:
        own = levels.get(pupil.pk, {})
        rows.append(
            {
                "pupil": pupil,
                "cells": [own.get(skill) for skill in Skill.values],
                "meets": None if target is None else meets_target(own, target),
                "target_assessed": target is not None
                and all(skill in own for skill in target.required_skills),
                "flags": flags[pupil.pk],
            }
        )
    return {
        "on": on,
        "rows": rows,
        "expected": [expected.get((group.track, skill)) for skill in Skill.values],
        "coverage": [sum(1 for own in levels.values() if skill in own) for skill in Skill.values],
        "target": target,
        "target_skills": [Skill(s).label for s in target.required_skills] if target else [],
        "below_target": sum(1 for row in rows if row["meets"] is False),
    }
