"""Writes of school data: each function validates, writes atomically, and is easy to grep."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from taalpad.cefr import Level

from .models import CutScore, Enrolment, Group, Instrument, Membership, Result


def level_for_score(score, cut_scores):
    """The level a score certifies, given (level, minimum score) pairs.

    The highest level whose minimum the score reaches; below the lowest minimum, the level
    just below that lowest certifiable level (never lower than "below A1").
    """
    reached = [level for level, minimum in cut_scores if score >= minimum]
    if reached:
        return Level(max(reached))
    lowest = min(level for level, _minimum in cut_scores)
    return Level(max(lowest - 1, Level.BELOW_A1))


def _validate_cut_scores(max_score, cut_scores):
    if not cut_scores:
        raise ValidationError(
            {"cut_scores": _("A scored instrument needs at least one cut score.")}
        )
    ordered = sorted(cut_scores)
    levels = [level for level, _minimum in ordered]
    if len(set(levels)) != len(levels):
        raise ValidationError({"cut_scores": _("Give each level at most one cut score.")})
    for (_lower, low_min), (_higher, high_min) in zip(ordered, ordered[1:], strict=False):
        if high_min <= low_min:
            raise ValidationError({"cut_scores": _("A higher level needs a higher minimum score.")})
    for _level, minimum in ordered:
        if minimum < 0 or minimum > max_score:
            raise ValidationError(
                {"cut_scores": _("Every minimum score lies between 0 and the maximum score.")}
            )


@transaction.atomic
def instrument_create(*, name, skill, kind, max_score=None, cut_scores=(), school=None):
    """A new instrument; `cut_scores` is a list of (level, minimum score) for scored ones."""
    instrument = Instrument(
        name=name,
        skill=skill,
        kind=kind,
        max_score=Decimal(max_score) if max_score is not None else None,
        school=school,
    )
    instrument.full_clean()
    cuts = [(Level(level), Decimal(minimum)) for level, minimum in cut_scores]
    if instrument.is_scored:
        _validate_cut_scores(instrument.max_score, cuts)
    elif cuts:
        raise ValidationError({"cut_scores": _("A rated instrument has no cut scores.")})
    instrument.save()
    CutScore.objects.bulk_create(
        CutScore(instrument=instrument, level=level, min_score=minimum) for level, minimum in cuts
    )
    return instrument


def _parse_score(score):
    if isinstance(score, Decimal):
        return score
    try:
        return Decimal(str(score).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            {"score": _("“%(score)s” is not a number.") % {"score": score}}
        ) from None


def _parse_level(level):
    try:
        if isinstance(level, str) and not level.strip().isdigit():
            return Level.from_code(level)
        return Level(int(level))
    except ValueError:
        raise ValidationError(
            {"level": _("“%(level)s” is not a level.") % {"level": level}}
        ) from None


def result_build(*, by, pupil, instrument, assessed_on, score=None, level=None, cut_scores=None):
    """A validated, unsaved Result. `cut_scores` may be passed to spare a query per row."""
    if instrument.is_scored:
        if score is None or str(score).strip() == "":
            raise ValidationError({"score": _("Enter a score for this instrument.")})
        score = _parse_score(score)
        if score < 0 or score > instrument.max_score:
            raise ValidationError(
                {
                    "score": _("The score must lie between 0 and %(max)s.")
                    % {"max": instrument.max_score.normalize()}
                }
            )
        if cut_scores is None:
            cut_scores = list(instrument.cut_scores.values_list("level", "min_score"))
        level = level_for_score(score, cut_scores)
    else:
        if score not in (None, ""):
            raise ValidationError({"score": _("This instrument is rated as a level, not scored.")})
        score = None
        if level is None or level == "":
            raise ValidationError({"level": _("Choose a level.")})
        level = _parse_level(level)
    result = Result(
        pupil=pupil,
        instrument=instrument,
        skill=instrument.skill,
        assessed_on=assessed_on,
        score=score,
        level=level,
        entered_by=by,
    )
    result.full_clean(exclude=["pupil", "instrument", "entered_by"])
    return result


@transaction.atomic
def result_record(*, by, pupil, instrument, assessed_on, score=None, level=None):
    """Record one result; the level of a scored instrument is derived from its cut scores."""
    result = result_build(
        by=by, pupil=pupil, instrument=instrument, assessed_on=assessed_on, score=score, level=level
    )
    result.save()
    return result


# Groups, pupils, enrolments and staff --------------------------------------------------------


def _check_teachers(school, teachers):
    staff = set(school.memberships.values_list("user_id", flat=True))
    if any(teacher.pk not in staff for teacher in teachers):
        raise ValidationError({"teachers": _("Only staff of this school can teach its groups.")})


@transaction.atomic
def group_save(*, group, teachers):
    """Create or change a group and set who teaches it."""
    group.full_clean()
    _check_teachers(group.school, teachers)
    group.save()
    group.teachers.set(teachers)
    return group


@transaction.atomic
def pupil_save(*, pupil):
    pupil.full_clean()
    pupil.save()
    return pupil


@transaction.atomic
def pupil_enrol(*, pupil, group, starts_on):
    """Put a pupil in a group from a date until the end of its school year.

    An enrolment running on that date ends the day before, so moving a pupil to another group
    is one step. The pupil record moves to the group's school.
    """
    year = group.school_year
    if not year.starts_on <= starts_on <= year.ends_on:
        raise ValidationError(
            {"starts_on": _("Choose a date in the school year %(year)s.") % {"year": year.name}}
        )
    running = Enrolment.objects.select_for_update().filter(
        pupil=pupil, starts_on__lte=starts_on, ends_on__gte=starts_on
    )
    for enrolment in running:
        if enrolment.group_id == group.pk:
            raise ValidationError({"group": _("The pupil is already in this group on that date.")})
        if enrolment.starts_on == starts_on:
            raise ValidationError(
                {
                    "starts_on": _("The pupil starts in %(group)s on that date; pick a later date.")
                    % {"group": enrolment.group.name}
                }
            )
        enrolment.ends_on = starts_on - datetime.timedelta(days=1)
        enrolment.save(update_fields=["ends_on"])
    later = Enrolment.objects.filter(
        pupil=pupil, starts_on__gt=starts_on, starts_on__lte=year.ends_on
    )
    ends_on = min([year.ends_on, *[e.starts_on - datetime.timedelta(days=1) for e in later]])
    enrolment = Enrolment(pupil=pupil, group=group, starts_on=starts_on, ends_on=ends_on)
    enrolment.full_clean()
    enrolment.save()
    if pupil.school_id != group.school_id:
        pupil.school = group.school
        pupil.full_clean()
        pupil.save(update_fields=["school"])
    return enrolment


@transaction.atomic
def enrolment_end(*, enrolment, ends_on):
    if ends_on < enrolment.starts_on:
        raise ValidationError(
            {
                "ends_on": _("The enrolment started on %(date)s; it cannot end before that.")
                % {"date": enrolment.starts_on}
            }
        )
    if ends_on > enrolment.group.school_year.ends_on:
        raise ValidationError({"ends_on": _("Choose a date in the group's school year.")})
    enrolment.ends_on = ends_on
    enrolment.full_clean()
    enrolment.save(update_fields=["ends_on"])
    return enrolment


@transaction.atomic
def membership_update(*, membership, role, groups, school_year):
    """Change a staff member's role and the groups they teach in one school year.

    Earlier years' assignments stay: they decide which former pupils a teacher still sees.
    """
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    school_groups = Group.objects.filter(school=membership.school, school_year=school_year)
    if any(
        g.school_id != membership.school_id or g.school_year_id != school_year.pk for g in groups
    ):
        raise ValidationError({"groups": _("Choose groups of this school.")})
    membership.user.taught_groups.remove(*school_groups.exclude(pk__in=[g.pk for g in groups]))
    membership.user.taught_groups.add(*groups)
    return membership


@transaction.atomic
def membership_revoke(*, membership, by):
    """Take a staff role away; the person's teaching assignments at the school go with it."""
    if membership.user_id == by.pk and membership.role == Membership.Role.COORDINATOR:
        raise ValidationError(_("You cannot take away your own coordinator role."))
    membership.user.taught_groups.remove(*Group.objects.filter(school=membership.school))
    membership.delete()
