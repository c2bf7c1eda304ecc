"""The class grid: one date, one or more tests (a column each), one row per pupil, saved in one
transaction."""

import datetime

from django.contrib import messages
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import audit
from accounts.decorators import school_staff_only
from accounts.models import PupilAccess
from core.cefr import Level, plain_number
from schools.access import groups_visible_to

from . import services
from .forms import GridChoiceForm
from .selectors import grid_results, instruments_for, pupils_enrolled, reference_date


def _shown(result, instrument):
    """The value a grid cell shows for a saved result."""
    if result is None:
        return ""
    if instrument.is_scored:
        return plain_number(result.score)
    return str(result.level)


def cell_name(instrument, pupil, part="value"):
    """The form field of one cell: value-<instrument>-<pupil>, original-…, version-…"""
    return f"{part}-{instrument.pk}-{pupil.pk}"


def _read_grid(request, group, pupils, instruments):
    """(entries to save, {cell: what was typed}, {cell: error}) from a posted grid. Untouched
    cells are left alone, so a colleague's later change is not overwritten."""
    entries, typed, errors = [], {}, {}
    posted = request.POST
    left_school = _("This pupil has left the school: the new school enters their results.")
    columns = [(instrument, instrument.pk) for instrument in instruments]
    for pupil in pupils:
        pupil_id, moved = pupil.pk, pupil.school_id != group.school_id
        for instrument, instrument_id in columns:
            cell = f"-{instrument_id}-{pupil_id}"  # as cell_name writes it, once per cell
            value = posted.get("value" + cell, "").strip()
            typed[instrument_id, pupil_id] = value
            if not value or value == posted.get("original" + cell, ""):
                continue
            if moved:
                errors[instrument_id, pupil_id] = left_school
            else:
                version = posted.get("version" + cell) or None
                entries.append((instrument, pupil, value, version))
    return entries, typed, errors


def _grid_rows(pupils, instruments, saved, typed, errors):
    """One row per pupil with a cell per instrument: what is stored, what was typed, errors."""
    # For the level shown while typing a score (grid.js); the server derives it again on save.
    prefetch_related_objects(instruments, "cut_scores")  # one query for every column
    cuts = {
        instrument.pk: ";".join(
            f"{cut.level}:{cut.min_score}"
            for cut in sorted(instrument.cut_scores.all(), key=lambda cut: cut.level)
        )
        for instrument in instruments
    }
    rows = []
    for pupil in pupils:
        cells = []
        for instrument in instruments:
            result = saved.get((instrument.pk, pupil.pk))
            key = (instrument.pk, pupil.pk)
            cells.append(
                {
                    "instrument": instrument,
                    "name": cell_name(instrument, pupil),
                    "original_name": cell_name(instrument, pupil, "original"),
                    "version_name": cell_name(instrument, pupil, "version"),
                    "result": result,
                    "value": typed.get(key, _shown(result, instrument)),
                    "original": _shown(result, instrument),
                    "error": errors.get(key),
                    "cuts": cuts[instrument.pk],
                }
            )
        rows.append({"pupil": pupil, "cells": cells, "has_error": any(c["error"] for c in cells)})
    return rows


@require_http_methods(["GET", "POST"])
@school_staff_only
def group_grid(request, group_id):
    group = get_object_or_404(
        groups_visible_to(request.user).select_related("school", "school_year"), pk=group_id
    )
    today = datetime.date.today()
    choice = GridChoiceForm(
        request.GET if "instrument" in request.GET else None,
        instruments=instruments_for(school=group.school),
        school_year=group.school_year,
        initial={"date": reference_date(group, today)},
    )
    if not choice.is_bound or not choice.is_valid():
        context = {
            "title": _("Class grid for %(group)s") % {"group": group.name},
            "group": group,
            "choice": choice,
        }
        return render(request, "schools/grid_choose.html", context)

    instruments, day = choice.cleaned_data["instrument"], choice.cleaned_data["date"]
    pupils = list(pupils_enrolled(group=group, on=day))
    typed, errors = {}, {}
    if request.method == "POST":
        entries, typed, errors = _read_grid(request, group, pupils, instruments)
        try:
            if errors:
                raise services.GridErrors(errors)
            # The results and the audit rows of the change commit together, in one commit.
            with transaction.atomic():
                created, updated = services.results_save_grid(
                    by=request.user, assessed_on=day, entries=entries
                )
                changed_pupils = {pupil.pk for _i, pupil, _v, _w in entries}
                audit.record_many(request, changed_pupils, PupilAccess.Action.CHANGE)
        except services.GridErrors as error:
            errors = {**errors, **error.by_cell}
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("Saved: %(created)d new and %(updated)d corrected result(s).")
                % {"created": created, "updated": updated},
            )
            return redirect(f"{reverse('group_grid', args=[group.pk])}?{request.GET.urlencode()}")
    # Read after a failed save, so the grid shows what is stored now beside what was typed.
    saved = grid_results(instruments=instruments, assessed_on=day, pupil_ids=[p.pk for p in pupils])
    rows = _grid_rows(pupils, instruments, saved, typed, errors)
    context = {
        "title": _("Class grid for %(group)s") % {"group": group.name},
        "group": group,
        "choice": choice,
        "columns": [{"instrument": instrument} for instrument in instruments],
        "has_scored": any(instrument.is_scored for instrument in instruments),
        "has_rated": any(not instrument.is_scored for instrument in instruments),
        "day": day,
        "rows": rows,
        "levels": Level.choices,
    }
    return render(request, "schools/grid.html", context)
