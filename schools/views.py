import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit
from accounts.decorators import role_required
from accounts.models import PupilAccess
from accounts.roles import Role
from core.cefr import Level, Skill, plain_number
from core.forms import apply_errors
from core.inputs import parse_int
from progress.targets import default_target, meets_target
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
from .forms import ResultForm
from .models import Result
from .selectors import (
    current_levels,
    expected_levels,
    latest_self_assessments,
    pupil_current_results,
    pupil_results,
    pupils_enrolled,
    quality_flags,
    reference_date,
)

staff_only = role_required(Role.TEACHER, Role.COORDINATOR)


@require_GET
@staff_only
def teacher_start(request):
    school_year = current_school_year()
    today = datetime.date.today()
    groups = groups_taught_by(request.user, school_year=school_year).annotate(
        pupil_count=Count(
            "enrolments",
            filter=Q(enrolments__starts_on__lte=today, enrolments__ends_on__gte=today),
            distinct=True,
        )
    )
    context = {"title": _("My groups"), "school_year": school_year, "groups": groups}
    return render(request, "schools/teacher_start.html", context)


@require_GET
@role_required(Role.COORDINATOR)
def coordinator_start(request):
    schools = list(schools_managed_by(request.user))
    if len(schools) == 1:
        return redirect("school_detail", school_id=schools[0].pk)
    return render(
        request, "schools/coordinator_start.html", {"title": _("My schools"), "schools": schools}
    )


@require_GET
@staff_only
def group_detail(request, group_id):
    group = get_object_or_404(
        groups_visible_to(request.user).select_related("school", "school_year"), pk=group_id
    )
    today = datetime.date.today()
    on = reference_date(group, today)
    pupils = list(pupils_enrolled(group=group, on=on))
    pupil_ids = [pupil.pk for pupil in pupils]
    levels = current_levels(pupils=pupil_ids, on=on)
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
    coverage = [
        sum(1 for pupil in pupils if skill in levels.get(pupil.pk, {})) for skill in Skill.values
    ]
    context = {
        "title": f"{group.name} · {group.school_year}",
        "group": group,
        "on": on,
        "rows": rows,
        "skills": Skill.choices,
        "expected": [expected.get((group.track, skill)) for skill in Skill.values],
        "coverage": coverage,
        "target": target,
        "target_skills": [Skill(s).label for s in target.required_skills] if target else [],
        "below_target": sum(1 for row in rows if row["meets"] is False),
        "can_manage": can_manage_school(request.user, group.school),
        "teachers": list(group.teachers.all()),
        "levels": Level,
    }
    return render(request, "schools/group_detail.html", context)


@require_GET
@staff_only
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
@staff_only
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
@staff_only
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
@staff_only
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
