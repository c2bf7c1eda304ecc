import datetime

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
from core.inputs import parse_int
from schools.access import (
    can_change_result,
    can_manage_school,
    current_school_year,
    groups_taught_by,
    pupils_visible_to,
    results_visible_to,
    schools_managed_by,
)

from . import services
from .forms import ResultForm
from .models import Result
from .selectors import (
    latest_self_assessments,
    pupil_current_results,
    pupil_results,
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
