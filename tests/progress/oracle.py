"""An independent oracle for the progress layer: plain Python over the raw rows.

Written apart from progress.targets and sharing none of its code, it follows docs/design.md
word for word, one pupil at a time.
"""

from schools.models import Enrolment, Result


def oracle_progress(target, on):
    """{"city": counts, "schools": {school id: counts}, "tracks": …, "year_levels": …}."""
    results = list(
        Result.objects.all().values("pupil_id", "skill", "level", "assessed_on", "entered_at", "id")
    )
    out = {"city": _empty(target), "schools": {}, "tracks": {}, "year_levels": {}}
    for pupil_id, group in _population(target, on).items():
        levels = {
            skill: _current_level(results, pupil_id, skill, on) for skill in target.required_skills
        }
        for bucket in (
            out["city"],
            out["schools"].setdefault(group.school_id, _empty(target)),
            out["tracks"].setdefault(group.track, _empty(target)),
            out["year_levels"].setdefault(group.year_level, _empty(target)),
        ):
            _count(bucket, levels, target.threshold)
    return out


def _population(target, on):
    """{pupil id: group} of the pupils enrolled on `on` in a group the target counts."""
    population = {}
    for enrolment in Enrolment.objects.select_related("group__school").all():
        group = enrolment.group
        if not (enrolment.starts_on <= on <= enrolment.ends_on):
            continue
        if target.sectors and group.school.sector not in target.sectors:
            continue
        if target.tracks and group.track not in target.tracks:
            continue
        if target.year_levels and group.year_level not in target.year_levels:
            continue
        population[enrolment.pupil_id] = group
    return population


def _current_level(results, pupil_id, skill, on):
    candidates = [
        r
        for r in results
        if r["pupil_id"] == pupil_id and r["skill"] == skill and r["assessed_on"] <= on
    ]
    if not candidates:
        return None
    latest = max(candidates, key=lambda r: (r["assessed_on"], r["entered_at"], r["id"]))
    return latest["level"]


def _empty(target):
    return {
        "population": 0,
        "assessed": 0,
        "met": 0,
        "by_skill": {s: {"assessed": 0, "at_or_above": 0} for s in target.required_skills},
    }


def _count(bucket, levels, threshold):
    """Add one pupil with `levels` ({skill: level or None}) to a bucket of counts."""
    assessed = all(level is not None for level in levels.values())
    bucket["population"] += 1
    bucket["assessed"] += assessed
    bucket["met"] += assessed and all(level >= threshold for level in levels.values())
    for skill, level in levels.items():
        if level is not None:
            bucket["by_skill"][skill]["assessed"] += 1
            if level >= threshold:
                bucket["by_skill"][skill]["at_or_above"] += 1
