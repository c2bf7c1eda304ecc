"""“Mijn Duits”: the pupil's own page, chart, self-assessment and data download.

A pupil reaches only their own record: every lookup goes through the access layer, so another
pupil's id in a chart or download URL is a 404.
"""

import datetime
import io
import json
import zipfile

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import audit, security_log
from accounts.decorators import role_required
from accounts.models import PupilAccess
from accounts.roles import Role, pupil_of
from core.cando import CAN_DO, LEVEL_MEANING, statement_codes
from core.cefr import Level, Skill
from core.tabular import write_csv
from exchanges.models import ExchangeActivity
from me import kept_pages
from me.selectors import pupil_data
from progress.charts import cached_svg, growth_chart
from progress.targets import default_target
from schools import services
from schools.access import can_manage_school, pupils_visible_to, results_visible_to
from schools.selectors import (
    current_enrolment,
    expected_levels,
    latest_self_assessments,
    pupil_current_results,
    pupil_results,
)


def _meaning(skill, level):
    return LEVEL_MEANING[skill][Level(level)] if level is not None else ""


@require_GET
@role_required(Role.PUPIL)
def pupil_start(request):
    pupil = pupil_of(request.user)
    audit.record(request, pupil.pk, PupilAccess.Action.VIEW)
    today = datetime.date.today()
    body = kept_pages.kept_start_body(
        pupil,
        today,
        lambda: render_to_string("me/_pupil_start_body.html", _start_context(pupil, today)),
    )
    return render(request, "me/pupil_start.html", {"title": _("My German"), "body": body})


def _start_context(pupil, today):
    current = pupil_current_results(pupil=pupil, on=today)
    history = list(pupil_results(pupil=pupil).order_by("assessed_on", "entered_at", "pk"))
    target = default_target(today)
    enrolment = current_enrolment(pupil=pupil, on=today)
    expected = expected_levels(school=enrolment.group.school) if enrolment else {}
    own = latest_self_assessments(pupil=pupil)
    skills = []
    for skill in Skill:
        result = current.get(skill.value)
        level = result.level if result else None
        next_level = (
            Level(level + 1)
            if level is not None and level < Level.C2
            else (Level.A1 if level is None else None)
        )
        skills.append(
            {
                "skill": skill,
                "result": result,
                "meaning": _meaning(skill, level),
                "next_level": next_level,
                "next_meaning": _meaning(skill, next_level),
                "target": Level(target.threshold)
                if target and skill in target.required_skills
                else None,
                "expected": expected.get((enrolment.group.track, skill.value))
                if enrolment
                else None,
                "own": own.get(skill.value),
            }
        )
    exchanges = (
        ExchangeActivity.objects.filter(participants=pupil)
        .prefetch_related("partners")
        .order_by("-starts_on")
    )
    return {
        "pupil": pupil,
        "skills": skills,
        "history": history,
        "target": target,
        "enrolment": enrolment,
        "exchanges": exchanges,
    }


@require_http_methods(["GET", "POST"])
@role_required(Role.PUPIL)
def self_assessment(request, skill):
    if skill not in Skill.values:
        raise Http404
    pupil = pupil_of(request.user)
    if request.method == "POST":
        assessment = services.self_assessment_record(
            pupil=pupil, skill=skill, ticked=request.POST.getlist("statement")
        )
        messages.success(
            request,
            _("Saved. By your own rating your %(skill)s is at %(level)s.")
            % {"skill": Skill(skill).label.lower(), "level": assessment.get_level_display()},
        )
        return redirect("pupil_start")
    previous = latest_self_assessments(pupil=pupil).get(skill)
    ticked = set(previous.statements) if previous else set()
    levels = []
    for level, _texts in CAN_DO[skill].items():
        statements = [
            (code, text, code in ticked)
            for code, statement_level, text in statement_codes(skill)
            if statement_level == level
        ]
        levels.append((Level(level), statements))
    context = {"title": _("How good am I?"), "skill": Skill(skill), "levels": levels}
    return render(request, "schools/self_assessment.html", context)


def _pupil_for(request, pupil_id):
    return get_object_or_404(pupils_visible_to(request.user), pk=pupil_id)


def _goals(pupil, today):
    """What the growth chart shows the pupil's lines heading for: the city's target and the
    levels expected at the end of school for the pupil's track (as on the pupil's page)."""
    goals = []
    target = default_target(today)
    if target is not None:
        label = _("Target %(level)s (%(name)s)") % {
            "level": Level(target.threshold).label,
            "name": target.name.split(":")[0],
        }
        goals.append(("target", None, int(target.threshold), str(label)))
    enrolment = current_enrolment(pupil=pupil, on=today)
    if enrolment is not None:
        expected = expected_levels(school=enrolment.group.school)
        label = _("Expected at the end of %(track)s") % {
            "track": enrolment.group.get_track_display()
        }
        for skill in Skill:
            row = expected.get((enrolment.group.track, skill.value))
            if row is not None:
                goals.append(("expected", skill.value, int(row.level), str(label)))
    return tuple(goals)


def _draw_growth(data):
    points, goals = data
    return growth_chart(points, goals)


@require_GET
@role_required(Role.PUPIL, Role.TEACHER, Role.COORDINATOR)
def growth_svg(request, pupil_id):
    pupil = _pupil_for(request, pupil_id)
    visible = results_visible_to(request.user).filter(pupil=pupil)
    points = tuple(
        pupil_results(pupil=pupil, results=visible)
        .order_by("assessed_on", "entered_at", "pk")
        .values_list("skill", "assessed_on", "level")
    )
    goals = _goals(pupil, datetime.date.today())
    svg = cached_svg("growth", (points, goals), _draw_growth)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@role_required(Role.PUPIL, Role.COORDINATOR)
def data_download(request, pupil_id, fmt):
    if fmt not in ("json", "zip"):
        raise Http404
    pupil = _pupil_for(request, pupil_id)
    # The pupil themself, or a coordinator answering a request for access; not a teacher.
    if pupil_of(request.user) != pupil and not can_manage_school(request.user, pupil.school):
        raise Http404
    audit.record(request, pupil.pk, PupilAccess.Action.DOWNLOAD)
    security_log.event("pupil_data_download", request, pupil=pupil.pk, format=fmt)
    data = pupil_data(pupil=pupil)
    stem = f"taalpad-{pupil.pupil_number}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        return response
    response = HttpResponse(_zip_of_csv(data), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{stem}.zip"'
    return response


def _zip_of_csv(data):
    """One CSV per part of the data, in a zip: opens in any spreadsheet."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, rows in data.items():
            rows = [rows] if isinstance(rows, dict) else (rows or [])
            headers = list(rows[0]) if rows else []
            table = [
                ["|".join(v) if isinstance(v, list) else v for v in row.values()] for row in rows
            ]
            archive.writestr(f"{part}.csv", write_csv(headers, table))
    return buffer.getvalue()
