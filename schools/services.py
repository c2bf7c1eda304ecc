"""Writes of school data: each function validates, writes atomically, and is easy to grep."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import identity
from accounts.models import Membership
from core.cefr import Level, plain_number
from core.inputs import check_assessed_on, parse_score
from schools import signals

from . import levels, result_rows
from .models import CutScore, Enrolment, Group, Instrument, Result


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


def _parse_level(level):
    try:
        if isinstance(level, str) and not level.strip().isdigit():
            return Level.from_code(level)
        return Level(int(level))
    except ValueError:
        raise ValidationError(
            {"level": _("“%(level)s” is not a level.") % {"level": level}}
        ) from None


def result_value(*, instrument, score=None, level=None, cut_scores=None):
    """(score, level) of a result of `instrument` as typed: a scored test's score parsed and its
    level derived from the cut scores (passed to spare a query per row), a rated test's level
    parsed. Raises ValidationError naming the field."""
    if instrument.is_scored:
        if score is None or str(score).strip() == "":
            raise ValidationError({"score": _("Enter a score for this instrument.")})
        score = parse_score(score, max_score=instrument.max_score)
        if cut_scores is None:
            cut_scores = list(instrument.cut_scores.values_list("level", "min_score"))
        return score, level_for_score(score, cut_scores)
    if score not in (None, ""):
        raise ValidationError({"score": _("This instrument is rated as a level, not scored.")})
    if level is None or level == "":
        raise ValidationError({"level": _("Choose a level.")})
    return None, _parse_level(level)


def result_build(
    *, by, pupil, instrument, assessed_on, score=None, level=None, cut_scores=None, enrolled=None
):
    """A validated, unsaved Result. `cut_scores` may be passed to spare a query per row, and
    `enrolled=True` where the caller knows the pupil was enrolled on that date."""
    score, level = result_value(
        instrument=instrument, score=score, level=level, cut_scores=cut_scores
    )
    check_result_date(pupil=pupil, day=assessed_on, enrolled=enrolled)
    result = Result(
        pupil=pupil,
        instrument=instrument,
        skill=instrument.skill,
        assessed_on=assessed_on,
        score=score,
        level=level,
        entered_by=by,
    )
    # Every field was parsed above (the score's digits and range, the level, the date) or comes
    # from a stored instrument; the database's constraints check the rest. A model full_clean
    # would repeat that for every cell of a grid.
    return result


def check_result_date(*, pupil, day, enrolled=None, field="date"):
    """A result is dated no later than today and within one of the pupil's enrolments."""
    check_assessed_on(day, field=field)
    if enrolled is None:
        enrolled = pupil.enrolments.filter(starts_on__lte=day, ends_on__gte=day).exists()
    if not enrolled:
        raise ValidationError(
            {
                field: _("On %(date)s the pupil was not enrolled in any group.")
                % {"date": day.strftime("%d-%m-%Y")}
            }
        )


@transaction.atomic
def result_record(*, by, pupil, instrument, assessed_on, score=None, level=None):
    """Record one result; the level of a scored instrument is derived from its cut scores.

    A pupil has one result per test and date: where one exists, it is corrected (a second
    click, or a second teacher entering the same test, stores nothing twice)."""
    built = result_build(
        by=by, pupil=pupil, instrument=instrument, assessed_on=assessed_on, score=score, level=level
    )
    current = _stored_result(pupil.pk, instrument.pk, built.assessed_on)
    if current is None:
        try:
            with transaction.atomic():
                built._history_user = by
                built.save()
        except IntegrityError:  # entered at the same moment by another request
            current = _stored_result(pupil.pk, instrument.pk, built.assessed_on)
        else:
            levels.refresh([pupil.pk], skills=[built.skill], since=built.assessed_on)
            return built
    if _same_value(current, built):
        return current
    current.score, current.level, current.entered_by = built.score, built.level, by
    current.version += 1
    current._history_user = by
    current.save()
    levels.refresh([pupil.pk], skills=[current.skill], since=current.assessed_on)
    return current


def _stored_result(pupil_id, instrument_id, assessed_on):
    return (
        Result.objects.select_for_update(of=("self",))
        .select_related("entered_by")
        .filter(pupil_id=pupil_id, instrument_id=instrument_id, assessed_on=assessed_on)
        .first()
    )


class ResultConflicts(ValidationError):
    """Results of these tests on these dates exist with other values; nothing was written.
    `current` maps the position of each such item to the stored result."""

    def __init__(self, current):
        self.current = current
        super().__init__(
            _(
                "This pupil already has a result of this test on this date, with another "
                "value; nothing was saved. Correct that result with its version instead."
            ),
            code="conflict",
        )


def results_create(*, by, results):
    """Write results built by `result_build` (an API batch, say) at once, all or nothing.

    An item equal to a stored result (same pupil, test, date, score and level) is that
    result: a repeated request stores nothing twice. An item with other values is a conflict:
    ResultConflicts names each one and nothing is written. Returns (the results in the order
    given, how many were new).
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _results_create(by, results)
        except IntegrityError:
            # The same result was written by a request running at the same moment: read the
            # stored results again, once.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _results_create(by, results):
    stored = {}
    for result in Result.objects.select_for_update(of=("self",)).filter(
        pupil_id__in={r.pupil_id for r in results},
        instrument_id__in={r.instrument_id for r in results},
        assessed_on__in={r.assessed_on for r in results},
    ):
        stored[result.pupil_id, result.instrument_id, result.assessed_on] = result
    out, new, conflicts = [], [], {}
    for index, built in enumerate(results):
        key = (built.pupil_id, built.instrument_id, built.assessed_on)
        current = stored.get(key)
        if current is None:
            stored[key] = built
            new.append(built)
            out.append(built)
        elif _same_value(current, built):
            out.append(current)
        else:
            conflicts[index] = current
    if conflicts:
        raise ResultConflicts(conflicts)
    if new:
        result_rows.create(new, by=by)
        levels.refresh(
            (r.pupil_id for r in new),
            skills={r.skill for r in new},
            since=min(r.assessed_on for r in new),
        )
    return out, len(new)


class StaleResult(ValidationError):
    """The result changed since the person began editing it; `current` is the newer version."""

    def __init__(self, current):
        self.current = current
        super().__init__(
            _(
                "Someone else changed this result in the meantime: it is now %(level)s%(score)s "
                "(by %(who)s). Your change was not saved; check the new value and try again."
            )
            % {
                "level": current.get_level_display(),
                "score": f", {plain_number(current.score)}" if current.score is not None else "",
                "who": current.entered_by or "?",
            },
            code="stale",
        )


def _lock_current(result, version):
    current = (
        Result.objects.select_for_update(of=("self",))
        .select_related("entered_by")
        .get(pk=result.pk)
    )
    if current.version != int(version):
        raise StaleResult(current)
    return current


@transaction.atomic
def result_update(*, by, result, version, assessed_on, score=None, level=None):
    """Correct a result. `version` is the one the editor started from: if the result changed
    since, nothing is written and StaleResult names the newer value."""
    current = _lock_current(result, version)
    was = current.assessed_on
    changed = result_build(
        by=by,
        pupil=current.pupil,
        instrument=current.instrument,
        assessed_on=assessed_on,
        score=score,
        level=level,
    )
    if (
        changed.assessed_on != was
        and Result.objects.filter(
            pupil_id=current.pupil_id,
            instrument_id=current.instrument_id,
            assessed_on=changed.assessed_on,
        ).exists()
    ):
        raise ValidationError(
            {
                "date": _(
                    "This pupil already has a result of this test on that date; correct that "
                    "one instead."
                )
            }
        )
    current.assessed_on, current.score, current.level = (
        changed.assessed_on,
        changed.score,
        changed.level,
    )
    current.entered_by = by
    current.version += 1
    current._history_user = by
    current.save()
    levels.refresh([current.pupil_id], skills=[current.skill], since=min(was, current.assessed_on))
    return current


@transaction.atomic
def result_delete(*, by, result, version):
    current = _lock_current(result, version)
    current._history_user = by
    current.delete()
    levels.refresh([current.pupil_id], skills=[current.skill], since=current.assessed_on)


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
    running = Enrolment.objects.select_for_update(of=("self",)).filter(
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


# The class grid ------------------------------------------------------------------------------


class GridErrors(ValidationError):
    """Cell errors of a class grid, by (instrument id, pupil id); nothing was written."""

    def __init__(self, by_cell):
        self.by_cell = by_cell
        rows = {pupil_id for _instrument_id, pupil_id in by_cell}
        super().__init__(
            _("%(count)d row(s) need attention; nothing was saved.") % {"count": len(rows)}
        )


def _same_value(result, built):
    return (result.level, result.score) == (built.level, built.score)


def results_save_grid(*, by, assessed_on, entries):
    """Save a class grid; see `_save_grid`. A double-clicked save that runs at the same moment
    as the first finds the first one's results on its second try and stores nothing twice."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _save_grid(by=by, assessed_on=assessed_on, entries=entries)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


class ResultAlreadyThere(ValidationError):
    """The pupil has a result of this test on this date that the person did not see (no
    version was sent): nothing was written; `stored` is that result, whose version a second
    save sends to replace it."""

    def __init__(self, stored, field):
        self.stored = stored
        super().__init__(
            {
                field: _(
                    "%(pupil)s already has %(value)s for this test on this date (entered by "
                    "%(who)s). Save again to replace it."
                )
                % {
                    "pupil": stored.pupil.full_name,
                    "value": stored.shown,
                    "who": stored.entered_by or "?",
                }
            }
        )


@transaction.atomic
def result_enter(*, by, pupil, instrument, assessed_on, value, version=None):
    """Save one result typed on a pupil's or a group's page: a class grid of one cell, so the
    same checks, versions, history and level table apply. `value` is the score of a scored
    test or the level of a rating; `version` the one of the stored result being replaced
    (None when the person saw none: a result already there is then refused with
    ResultAlreadyThere). Returns "created", "updated" or "unchanged"; raises ValidationError
    naming the field. The caller checked that `by` may enter results for the pupil on that
    date."""
    check_result_date(pupil=pupil, day=assessed_on, field="assessed_on")
    kind = "score" if instrument.is_scored else "level"
    if version is None:
        stored = _stored_result(pupil.pk, instrument.pk, assessed_on)
        if stored is not None:
            stored.pupil = pupil
            raise ResultAlreadyThere(stored, kind)
    try:
        created, updated = results_save_grid(
            by=by, assessed_on=assessed_on, entries=[(instrument, pupil, value, version)]
        )
    except GridErrors as error:
        raise ValidationError({kind: list(error.by_cell.values())}) from None
    return "created" if created else "updated" if updated else "unchanged"


def _cut_scores_of(instruments):
    """{instrument id: [(level, minimum score)]} in one query (none when no test is scored)."""
    cut_scores = {}
    if not any(instrument.is_scored for instrument in instruments.values()):
        return cut_scores
    rows = CutScore.objects.filter(instrument_id__in=instruments).values_list(
        "instrument_id", "level", "min_score"
    )
    for instrument_id, level, minimum in rows:
        cut_scores.setdefault(instrument_id, []).append((level, minimum))
    return cut_scores


def _locked_results(instruments, assessed_on, pupil_ids):
    """{(instrument id, pupil id): Result} on the date, locked until the transaction ends."""
    instrument_ids, pupil_ids = list(instruments), list(pupil_ids)
    ops = connection.ops
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # Written out: a grid usually finds nothing on its date, and building the ORM's query cost
    # more than running it. Ordered by entry: of two on one date (from before they were
    # merged) the last one wins.
    locked = Result.objects.raw(
        f"SELECT * FROM {ops.quote_name(Result._meta.db_table)} WHERE assessed_on = %s"
        f" AND instrument_id IN ({', '.join(['%s'] * len(instrument_ids))})"
        f" AND pupil_id IN ({', '.join(['%s'] * len(pupil_ids))})"
        f" ORDER BY pupil_id, entered_at, id{lock}",
        [ops.adapt_datefield_value(assessed_on), *instrument_ids, *pupil_ids],
    )
    return {(result.instrument_id, result.pupil_id): result for result in locked}


def _correct(current, built, version, by):
    """Give `current` the value of `built`, unless someone else changed it after the grid was
    opened (`version`); returns that error's message, or None."""
    if version is None or str(current.version) != str(version):
        return StaleResult(current).messages[0]
    current.score, current.level, current.entered_by = built.score, built.level, by
    current.version += 1
    return None


def _save_grid(*, by, assessed_on, entries):
    """Save a class grid of one or more tests (one column each) in one transaction: every
    cell or none.

    `entries` holds (instrument, pupil, typed value, version seen or None) per cell with
    something typed. A pupil who already has a result for that instrument on this date gets it
    corrected (if it was not changed by someone else since: `version`); others get a new
    result. Returns (created, updated) counts. Raises GridErrors naming every faulty cell.
    The queries are the same for one test or five, for one pupil or thirty.
    """
    if not entries:
        return 0, 0
    instruments = {instrument.pk: instrument for instrument, *_rest in entries}
    cut_scores = _cut_scores_of(instruments)
    existing = _locked_results(instruments, assessed_on, {pupil.pk for _i, pupil, *_r in entries})
    try:
        # One date for the whole grid, whose pupils are those enrolled on it.
        check_result_date(pupil=None, day=assessed_on, enrolled=True)
    except ValidationError as error:
        cells = ((instrument.pk, pupil.pk) for instrument, pupil, *_rest in entries)
        raise GridErrors(dict.fromkeys(cells, error.messages[0])) from None
    entered_at, by_id = timezone.now(), by.pk if by is not None else None
    errors, new, changed = {}, [], []
    for instrument, pupil, value, version in entries:
        cell = (instrument.pk, pupil.pk)
        kind = "score" if instrument.is_scored else "level"
        try:
            score, level = result_value(
                instrument=instrument, cut_scores=cut_scores.get(instrument.pk, []), **{kind: value}
            )
        except ValidationError as error:
            errors[cell] = " ".join(error.messages)
            continue
        # Plain rows, not Result objects: a model instance per cell cost a grid more than
        # inserting its rows.
        built = result_rows.NewResult(
            pupil_id=pupil.pk,
            instrument_id=instrument.pk,
            skill=instrument.skill,
            assessed_on=assessed_on,
            score=score,
            level=level,
            entered_by_id=by_id,
            entered_at=entered_at,
        )
        current = existing.get(cell)
        if current is None:
            new.append(built)
        elif not _same_value(current, built):
            error = _correct(current, built, version, by)
            if error:
                errors[cell] = error
            else:
                changed.append(current)
    if errors:
        raise GridErrors(errors)
    result_rows.create(new, by=by)
    result_rows.update(changed, ["score", "level", "entered_by", "version"], by=by)
    written = [*new, *changed]
    levels.refresh(
        (r.pupil_id for r in written),
        skills={r.skill for r in written},
        since=min((r.assessed_on for r in written), default=None),
    )
    return len(new), len(changed)


# Imports ------------------------------------------------------------------------------------


def _refuse_plan_with_errors(plan):
    if plan.has_errors:
        raise ValidationError(_("The file has errors; nothing was imported."))


@transaction.atomic
def results_import_apply(*, by, plan):
    """Write a result import's plan: every new and changed row, or nothing."""
    _refuse_plan_with_errors(plan)
    new, changed = [], []
    for row in plan.rows:
        values = row.changes
        if row.status == "new":
            new.append(
                Result(
                    pupil=values["pupil"],
                    instrument=values["instrument"],
                    skill=values["instrument"].skill,
                    assessed_on=values["date"],
                    score=values["score"],
                    level=values["level"],
                    entered_by=by,
                )
            )
        elif row.status == "changed":
            result = row.target
            result.score, result.level, result.entered_by = values["score"], values["level"], by
            result.version += 1
            changed.append(result)
    return _write_import(by, new, changed)


def _imported_meanwhile():
    return ValidationError(
        _(
            "Some of these results were entered or changed in the meantime; nothing was "
            "imported. Upload the file again to see what changed."
        )
    )


@transaction.atomic
def results_import_apply_planned(*, by, school, planned):
    """Write what a results file's dry run planned (ImportBatch.planned), or nothing: refused
    when a pupil left the school, a result to correct changed, or a new one was entered since
    the dry run. The file is not read again."""
    targets = Result.objects.select_for_update(of=("self",)).in_bulk(
        [result_id for result_id, *_rest in planned["changed"]]
    )
    pupil_ids = {pupil_id for pupil_id, *_rest in planned["new"]}
    pupil_ids.update(result.pupil_id for result in targets.values())
    if len(pupil_ids) != _pupils_at(school, pupil_ids):
        raise ValidationError(
            _(
                "Some pupils of this file changed school since it was uploaded; nothing was "
                "imported. Upload the file again."
            )
        )
    instrument_ids = {instrument_id for _pupil_id, instrument_id, *_rest in planned["new"]}
    instruments = Instrument.objects.in_bulk(instrument_ids)
    if len(instruments) != len(instrument_ids):  # a test was deleted meanwhile
        raise _imported_meanwhile()
    entered_at, by_id = timezone.now(), by.pk if by is not None else None
    new = [
        result_rows.NewResult(
            pupil_id=pupil_id,
            instrument_id=instrument_id,
            skill=instruments[instrument_id].skill,
            assessed_on=datetime.date.fromisoformat(day),
            score=None if score is None else Decimal(score),
            level=Level(level),
            entered_by_id=by_id,
            entered_at=entered_at,
        )
        for pupil_id, instrument_id, day, score, level in planned["new"]
    ]
    changed = []
    for result_id, version, score, level in planned["changed"]:
        result = targets.get(result_id)
        if result is None or result.version != version:
            raise _imported_meanwhile()
        result.score = None if score is None else Decimal(score)
        result.level, result.entered_by, result.version = Level(level), by, version + 1
        changed.append(result)
    return _write_import(by, new, changed)


def _pupils_at(school, pupil_ids):
    """How many of these pupils belong to `school` now (in batches: SQLite limits parameters)."""
    from .models import Pupil

    ids, found = sorted(pupil_ids), 0
    for start in range(0, len(ids), 5000):
        batch = ids[start : start + 5000]
        found += Pupil.objects.filter(school=school, pk__in=batch).count()
    return found


def _write_import(by, new, changed):
    if new:
        try:
            with transaction.atomic():
                result_rows.create(new, by=by, batch_size=2000)
        except IntegrityError:
            raise _imported_meanwhile() from None
    result_rows.update(changed, ["score", "level", "entered_by", "version"], by=by, batch_size=500)
    written = [*new, *changed]
    levels.refresh(
        (r.pupil_id for r in written),
        skills={r.skill for r in written},
        since=min((r.assessed_on for r in written), default=None),
    )
    return len(new), len(changed)


@transaction.atomic
def pupils_import_apply(*, by, plan, school):
    """Write a pupil import's plan: new pupils, changed details and group moves, or nothing."""
    _refuse_plan_with_errors(plan)
    from .models import Pupil

    new_pupils, new_enrolments, changed, ended = [], [], [], []
    for row in plan.rows:
        values = row.changes
        if row.status == "new":
            pupil = Pupil(
                school=school, pupil_number=row.values["pupil_number"], **values["details"]
            )
            new_pupils.append(pupil)
            new_enrolments.append((pupil, values["group"], values["starts_on"]))
        elif row.status == "changed":
            pupil = row.target
            for name, value in values["details"].items():
                setattr(pupil, name, value)
            changed.append(pupil)
            if values["group"] is not None:
                if values["ends"] is not None:
                    values["ends"].ends_on = values["starts_on"] - datetime.timedelta(days=1)
                    ended.append(values["ends"])
                new_enrolments.append((pupil, values["group"], values["starts_on"]))
    Pupil.objects.bulk_create(new_pupils, batch_size=2000)
    if changed:
        Pupil.objects.bulk_update(
            changed, ["given_name", "family_name_prefix", "family_name", "email"], batch_size=500
        )
        identity.forget_everyone()  # a bulk update sends no model signals
    if ended:
        Enrolment.objects.bulk_update(ended, ["ends_on"], batch_size=500)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                pupil=pupil, group=group, starts_on=starts_on, ends_on=group.school_year.ends_on
            )
            for pupil, group, starts_on in new_enrolments
        ],
        batch_size=2000,
    )
    signals.announce_levels_changed()  # bulk writes of enrolments send no model signals
    return len(new_pupils), len(changed)


@transaction.atomic
def expected_levels_save(*, school, chosen):
    """Store a school's own expected levels where they differ from the city's.

    `chosen` maps (track, skill) to (level, upper level or None). A choice equal to the city's
    removes the school's own row, so later changes to the city's levels reach the school.
    """
    from .models import ExpectedLevel

    city = {(e.track, e.skill): e for e in ExpectedLevel.objects.filter(school__isnull=True)}
    own = {(e.track, e.skill): e for e in ExpectedLevel.objects.filter(school=school)}
    for (track, skill), (level, upper) in chosen.items():
        if upper is not None and upper <= level:
            raise ValidationError(
                _("%(track)s, %(skill)s: “up to” must be above the level.")
                % {"track": track, "skill": skill}
            )
        base = city.get((track, skill))
        row = own.get((track, skill))
        if base and (base.level, base.upper_level) == (level, upper):
            if row:
                row.delete()
            continue
        if row is None:
            row = ExpectedLevel(school=school, track=track, skill=skill)
        row.level, row.upper_level, row.confirmed = level, upper, True
        row.full_clean()
        row.save()


@transaction.atomic
def self_assessment_record(*, pupil, skill, ticked, on=None):
    """Save a pupil's own rating of a skill; the level follows from the statements ticked."""
    from core.cando import self_assessed_level, statement_codes

    from .models import SelfAssessment

    known = {code for code, _level, _text in statement_codes(skill)}
    ticked = sorted(set(ticked) & known)
    assessment = SelfAssessment(
        pupil=pupil,
        skill=skill,
        level=self_assessed_level(skill, ticked),
        statements=ticked,
        assessed_on=on or datetime.date.today(),
    )
    assessment.full_clean()
    assessment.save()
    return assessment


# Retention ----------------------------------------------------------------------------------

# An uploaded file is kept for its dry run and confirmation only: a day at most.
KEEP_UNAPPLIED_IMPORTS = datetime.timedelta(days=1)


def import_batches_stale(*, now):
    """Uploaded files that were never confirmed, older than a day."""
    from .models import ImportBatch

    return ImportBatch.objects.filter(
        applied_at__isnull=True, created_at__lt=now - KEEP_UNAPPLIED_IMPORTS
    )


def import_batches_purge(*, now):
    return import_batches_stale(now=now).delete()[0]


def leavers(*, today, years):
    """Pupils not yet anonymised whose last enrolment ended more than `years` years ago."""
    from django.db.models import Max

    from .models import Pupil

    try:
        cutoff = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - years, day=28)
    return (
        Pupil.objects.filter(anonymised_at__isnull=True)
        .annotate(last_day=Max("enrolments__ends_on"))
        .filter(last_day__lt=cutoff)
    )


@transaction.atomic
def pupils_anonymise(*, pupils):
    """Remove what identifies these pupils: names, number, e-mail, account, self-assessments.

    Results, enrolments and exchange participation stay, as rows of an anonymous pupil, so
    that past figures do not change.
    """
    from django.contrib.auth import get_user_model

    User = get_user_model()

    from .models import Pupil, SelfAssessment

    pupils = list(pupils)
    ids = [pupil.pk for pupil in pupils]
    account_ids = [pupil.user_id for pupil in pupils if pupil.user_id]
    now = timezone.now()
    for pupil in pupils:
        pupil.given_name, pupil.family_name_prefix, pupil.family_name = "", "", "—"
        pupil.pupil_number = f"anon-{pupil.pk}"
        pupil.email, pupil.user, pupil.anonymised_at = "", None, now
    Pupil.objects.bulk_update(
        pupils,
        [
            "given_name",
            "family_name_prefix",
            "family_name",
            "pupil_number",
            "email",
            "user",
            "anonymised_at",
        ],
        batch_size=500,
    )
    identity.forget_everyone()  # a bulk update sends no model signals
    SelfAssessment.objects.filter(pupil_id__in=ids).delete()
    User.objects.filter(pk__in=account_ids).delete()
    return len(pupils)
