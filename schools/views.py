import datetime

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from taalpad.access import (
    Role,
    current_school_year,
    groups_taught_by,
    pupil_of,
    schools_coordinated_by,
)
from taalpad.cefr import Level, Skill
from taalpad.decorators import role_required

from .selectors import pupil_current_results


@require_GET
@role_required(Role.TEACHER, Role.COORDINATOR)
def teacher_start(request):
    school_year = current_school_year()
    groups = groups_taught_by(request.user, school_year=school_year).annotate(
        pupil_count=Count("enrolments", distinct=True)
    )
    context = {"title": _("My groups"), "school_year": school_year, "groups": groups}
    return render(request, "schools/teacher_start.html", context)


@require_GET
@role_required(Role.COORDINATOR)
def coordinator_start(request):
    school_year = current_school_year()
    schools = schools_coordinated_by(request.user).annotate(
        group_count=Count("groups", filter=Q(groups__school_year=school_year), distinct=True),
        staff_count=Count("memberships", distinct=True),
        pupil_count=Count("pupils", distinct=True),
    )
    context = {"title": _("My school"), "school_year": school_year, "schools": schools}
    return render(request, "schools/coordinator_start.html", context)


@require_GET
@role_required(Role.PUPIL)
def pupil_start(request):
    pupil = pupil_of(request.user)
    current = pupil_current_results(pupil=pupil, on=datetime.date.today())
    rows = [(label, current.get(skill)) for skill, label in Skill.choices]
    context = {"title": _("My German"), "pupil": pupil, "rows": rows, "levels": Level}
    return render(request, "schools/pupil_start.html", context)
