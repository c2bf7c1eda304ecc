import contextlib
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit
from accounts.decorators import coordinator_only, school_staff_only
from accounts.models import PupilAccess
from core.cefr import Skill, plain_number
from core.forms import apply_errors
from core.inputs import optional_int, parse_int
from schools.access import (
    can_change_result,
    can_manage_school,
    current_school_year,
    groups_taught_by,
    groups_visible_to,
    pupils_visible_to,
    results_visible_to,
    schools_managed_by,
)

from . import services
from .forms import ResultEntryForm, ResultForm
from .models import Result
from .selectors import (
    instruments_for,
    latest_self_assessments,
    pupil_current_results,
    pupil_results,
    pupils_enrolled,
    reference_date,
    result_on,
    with_pupil_counts,
)


@require_GET
@school_staff_only
def teacher_start(request):
    school_year = current_school_year()
    today = datetime.date.today()
    groups = with_pupil_counts(groups_taught_by(request.user, school_year=school_year), on=today)
    context = {"title": _("My groups"), "school_year": school_year, "groups": groups}
    return render(request, "schools/teacher_start.html", context)


@require_GET
@coordinator_only
def coordinator_start(request):
    schools = list(schools_managed_by(request.user))
    if len(schools) == 1:
        return redirect("school_detail", school_id=schools[0].pk)
    return render(
        request, "schools/coordinator_start.html", {"title": _("My schools"), "schools": schools}
    )


@require_GET
@school_staff_only
def pupil_detail(request, pupil_id):
    pupil = get_object_or_404(
        pupils_visible_to(request.user).select_related("school", "user"), pk=pupil_id
    )
    audit.record(request, pupil.pk, PupilAccess.Action.VIEW)
    # What this school may read of the pupil: not what a later school entered.
    visible = results_visible_to(request.user).filter(pupil=pupil)
    current = pupil_current_results(pupil=pupil, on=datetime.date.today(), results=visible)
    enrolments = pupil.enrolments.select_related("group__school", "group__school_year").order_by(
        "-starts_on"
    )
    context = {
        "title": pupil.full_name,
        "pupil": pupil,
        "rows": [(label, current.get(skill)) for skill, label in Skill.choices],
        "results": pupil_results(pupil=pupil, results=visible),
        "self_assessments": latest_self_assessments(pupil=pupil).values(),
        "enrolments": enrolments,
        "can_manage": can_manage_school(request.user, pupil.school),
        "has_account": pupil.user_id is not None and pupil.user.has_usable_password(),
    }
    return render(request, "schools/pupil_detail.html", context)


# One new result ------------------------------------------------------------------------------


def _enter_result(request, form, pupil):
    """Save the form's result for `pupil` through the grid's service; returns the outcome, or
    None with the errors put on the form."""
    data = form.cleaned_data
    day, instrument = data["assessed_on"], data["instrument"]
    if not can_change_result(request.user, Result(pupil=pupil, assessed_on=day)):
        form.add_error(
            "assessed_on", _("Choose a date within the pupil's enrolments at your school.")
        )
        return None
    try:
        outcome = services.result_enter(
            by=request.user,
            pupil=pupil,
            instrument=instrument,
            assessed_on=day,
            value=form.value(),
            version=data["version"],
        )
    except services.ResultAlreadyThere as error:
        # Shown with its version: a second save replaces it.
        form.data = form.data.copy()
        form.data["version"] = error.stored.version
        apply_errors(form, error)
        return None
    except ValidationError as error:
        apply_errors(form, error, fields={"date": "assessed_on"})
        return None
    if outcome != "unchanged":
        audit.record(request, pupil.pk, PupilAccess.Action.CHANGE)
    message = {
        "created": _("Saved for %(pupil)s: %(value)s in %(test)s on %(date)s."),
        "updated": _("Corrected for %(pupil)s: %(value)s in %(test)s on %(date)s."),
        "unchanged": _("%(pupil)s already had %(value)s in %(test)s on %(date)s."),
    }[outcome]
    stored = result_on(pupil=pupil, instrument=instrument, day=day)
    shown = {"pupil": pupil.full_name, "value": stored.shown, "test": instrument.name}
    messages.success(request, message % {**shown, "date": day.strftime("%d-%m-%Y")})
    return outcome


@require_http_methods(["GET", "POST"])
@school_staff_only
def result_new_for_pupil(request, pupil_id):
    """One new result for one pupil, from the pupil's page."""
    pupil = get_object_or_404(pupils_visible_to(request.user).select_related("school"), pk=pupil_id)
    if not can_change_result(request.user, Result(pupil=pupil)):
        raise PermissionDenied  # a pupil who moved on: the new school enters their results
    form = ResultEntryForm(
        request.POST or None,
        instruments=instruments_for(school=pupil.school),
        initial={"assessed_on": datetime.date.today()},
    )
    if request.method == "POST" and form.is_valid() and _enter_result(request, form, pupil):
        return redirect("pupil_detail", pupil_id=pupil.pk)
    context = {"title": _("Enter a result"), "pupil": pupil, "form": form}
    return render(request, "schools/result_new.html", context)


def _continue_after_last_save(request, form, pupils):
    """After a save the form comes back with its test and date, and with the next pupil of
    the group chosen: the cursor waits in the score (or level), as in a column of the grid.
    (Only the page's own links carry these parameters; anything else in them is ignored.)"""
    chosen = optional_int(request.GET.get("instrument"))
    instrument = form.fields["instrument"].queryset.filter(pk=chosen).first() if chosen else None
    if instrument is None:
        return
    form.initial["instrument"] = instrument.pk
    with contextlib.suppress(KeyError, ValueError):
        form.initial["assessed_on"] = datetime.date.fromisoformat(request.GET["assessed_on"])
    after = optional_int(request.GET.get("after"))
    ids = [pupil.pk for pupil in pupils]
    if after in ids and ids.index(after) + 1 < len(ids):
        form.initial["pupil"] = ids[ids.index(after) + 1]
        form.focus("score" if instrument.is_scored else "level")


@require_http_methods(["GET", "POST"])
@school_staff_only
def result_new_for_group(request, group_id):
    """One new result for a pupil of a group, from the group's page. After a save the same
    form comes back with the test and the date kept, ready for the next pupil."""
    group = get_object_or_404(
        groups_visible_to(request.user).select_related("school", "school_year"), pk=group_id
    )
    day = reference_date(group, datetime.date.today())
    pupils = pupils_enrolled(group=group, on=day)
    form = ResultEntryForm(
        request.POST or None,
        instruments=instruments_for(school=group.school),
        pupils=pupils,
        initial={"assessed_on": day},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _enter_result(request, form, data["pupil"]):
            kept = {
                "instrument": data["instrument"].pk,
                "assessed_on": data["assessed_on"],
                "after": data["pupil"].pk,
            }
            return redirect(f"{request.path}?{urlencode(kept)}")
    elif request.method == "GET":
        _continue_after_last_save(request, form, pupils)
    context = {"title": _("Enter a result"), "group": group, "form": form}
    return render(request, "schools/result_new.html", context)


def _changeable_result(request, result_id):
    result = get_object_or_404(
        results_visible_to(request.user).select_related("pupil", "instrument", "entered_by"),
        pk=result_id,
    )
    if not can_change_result(request.user, result):
        raise PermissionDenied
    return result


@require_http_methods(["GET", "POST"])
@school_staff_only
def result_edit(request, result_id):
    result = _changeable_result(request, result_id)
    initial = {
        "assessed_on": result.assessed_on,
        "score": plain_number(result.score) if result.score is not None else "",
        "level": result.level,
        "version": result.version,
    }
    form = ResultForm(request.POST or None, instrument=result.instrument, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        moved = Result(pupil=result.pupil, assessed_on=data["assessed_on"])
        if not can_change_result(request.user, moved):
            form.add_error(
                "assessed_on", _("Choose a date within the pupil's enrolments at your school.")
            )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.result_update(
                by=request.user,
                result=result,
                version=data["version"],
                assessed_on=data["assessed_on"],
                score=data.get("score"),
                level=data.get("level"),
            )
        except ValidationError as error:
            apply_errors(form, error, fields={"date": "assessed_on"})
        else:
            audit.record(request, result.pupil_id, PupilAccess.Action.CHANGE)
            messages.success(request, _("Result saved."))
            return redirect("pupil_detail", pupil_id=result.pupil_id)
    context = {"title": _("Correct a result"), "result": result, "form": form}
    return render(request, "schools/result_edit.html", context)


@require_http_methods(["GET", "POST"])
@school_staff_only
def result_delete(request, result_id):
    result = _changeable_result(request, result_id)
    error = None
    if request.method == "POST":
        try:
            services.result_delete(
                by=request.user,
                result=result,
                version=parse_int(request.POST.get("version", ""), field="version"),
            )
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            audit.record(request, result.pupil_id, PupilAccess.Action.CHANGE)
            messages.success(request, _("Result deleted. Its history is kept."))
            return redirect("pupil_detail", pupil_id=result.pupil_id)
    context = {"title": _("Delete a result"), "result": result, "error": error}
    return render(request, "schools/result_delete.html", context)


@require_GET
@school_staff_only
def result_history(request, result_id):
    result = get_object_or_404(
        results_visible_to(request.user).select_related("pupil", "instrument"), pk=result_id
    )
    records = list(result.history.select_related("history_user").order_by("history_date", "pk"))
    changes, before = [], None
    for record in records:
        changes.append({"record": record, "before": before})
        before = record
    context = {"title": _("History of a result"), "result": result, "changes": changes[::-1]}
    return render(request, "schools/result_history.html", context)
