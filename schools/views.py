import datetime

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from taalpad.access import (
    Role,
    can_manage_school,
    current_school_year,
    groups_taught_by,
    groups_visible_to,
    pupil_of,
    pupils_visible_to,
    schools_managed_by,
)
from taalpad.cefr import Level, Skill
from taalpad.decorators import role_required

from .models import Enrolment
from .selectors import pupil_current_results

staff_only = role_required(Role.TEACHER, Role.COORDINATOR)


def _active_on(day):
    return Q(enrolments__starts_on__lte=day, enrolments__ends_on__gte=day)


@require_GET
@staff_only
def teacher_start(request):
    school_year = current_school_year()
    today = datetime.date.today()
    groups = groups_taught_by(request.user, school_year=school_year).annotate(
        pupil_count=Count("enrolments", filter=_active_on(today), distinct=True)
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
    enrolments = (
        Enrolment.objects.filter(group=group)
        .select_related("pupil")
        .order_by("pupil__family_name", "pupil__given_name", "starts_on")
    )
    context = {
        "title": f"{group.name} · {group.school_year}",
        "group": group,
        "enrolments": enrolments,
        "today": datetime.date.today(),
        "can_manage": can_manage_school(request.user, group.school),
        "teachers": group.teachers.all(),
    }
    return render(request, "schools/group_detail.html", context)


@require_GET
@staff_only
def pupil_detail(request, pupil_id):
    pupil = get_object_or_404(
        pupils_visible_to(request.user).select_related("school", "user"), pk=pupil_id
    )
    current = pupil_current_results(pupil=pupil, on=datetime.date.today())
    enrolments = pupil.enrolments.select_related("group__school", "group__school_year").order_by(
        "-starts_on"
    )
    context = {
        "title": pupil.full_name,
        "pupil": pupil,
        "rows": [(label, current.get(skill)) for skill, label in Skill.choices],
        "enrolments": enrolments,
        "can_manage": can_manage_school(request.user, pupil.school),
        "has_account": pupil.user_id is not None and pupil.user.has_usable_password(),
    }
    return render(request, "schools/pupil_detail.html", context)


@require_GET
@role_required(Role.PUPIL)
def pupil_start(request):
    pupil = pupil_of(request.user)
    current = pupil_current_results(pupil=pupil, on=datetime.date.today())
    rows = [(label, current.get(skill)) for skill, label in Skill.choices]
    context = {"title": _("My German"), "pupil": pupil, "rows": rows, "levels": Level}
    return render(request, "schools/pupil_start.html", context)
