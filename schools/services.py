"""Writes of school data: each function validates, writes atomically, and is easy to grep."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from taalpad.cefr import Level

from .models import CutScore, Instrument, Result


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
