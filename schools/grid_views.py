"""The class grid: one instrument, one date, one row per pupil, saved in one transaction."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from taalpad import audit
from taalpad.access import Role, groups_visible_to
from taalpad.cefr import Level, plain_number
from taalpad.decorators import role_required
from taalpad.models import PupilAccess

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


@require_http_methods(["GET", "POST"])
@role_required(Role.TEACHER, Role.COORDINATOR)
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

    instrument, day = choice.cleaned_data["instrument"], choice.cleaned_data["date"]
    pupils = list(pupils_enrolled(group=group, on=day))
    saved = grid_results(instrument=instrument, assessed_on=day, pupil_ids=[p.pk for p in pupils])
    typed, errors = {}, {}
    if request.method == "POST":
        entries = []
        for pupil in pupils:
            value = request.POST.get(f"value-{pupil.pk}", "").strip()
            original = request.POST.get(f"original-{pupil.pk}", "")
            typed[pupil.pk] = value
            # Untouched rows are left alone, so a colleague's later change is not overwritten.
            if value and value != original:
                entries.append((pupil, value, request.POST.get(f"version-{pupil.pk}") or None))
        try:
            created, updated = services.results_save_grid(
                by=request.user, instrument=instrument, assessed_on=day, entries=entries
            )
        except services.GridErrors as error:
            errors = error.by_pupil
            messages.error(request, error.messages[0])
        else:
            if entries:
                audit.record_many(
                    request, [p.pk for p, _v, _w in entries], PupilAccess.Action.CHANGE
                )
            messages.success(
                request,
                _("Saved: %(created)d new and %(updated)d corrected result(s).")
                % {"created": created, "updated": updated},
            )
            return redirect(f"{reverse('group_grid', args=[group.pk])}?{request.GET.urlencode()}")
    rows = []
    for pupil in pupils:
        result = saved.get(pupil.pk)
        rows.append(
            {
                "pupil": pupil,
                "result": result,
                "value": typed.get(pupil.pk, _shown(result, instrument)),
                "original": _shown(result, instrument),
                "error": errors.get(pupil.pk),
            }
        )
    cuts = list(instrument.cut_scores.order_by("level").values_list("level", "min_score"))
    context = {
        "title": _("Class grid for %(group)s") % {"group": group.name},
        "group": group,
        "choice": choice,
        "instrument": instrument,
        "day": day,
        "rows": rows,
        "levels": Level.choices,
        "cuts": ";".join(f"{level}:{minimum}" for level, minimum in cuts),
    }
    return render(request, "schools/grid.html", context)
