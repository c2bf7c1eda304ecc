"""The municipality's dashboard and the coordinator's school dashboard, with their charts,
exports and the annual report. All figures come from `progress.dashboard`, which takes them
from the progress layer; the municipality's are suppressed there."""

import datetime
import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import security_log
from accounts.decorators import coordinator_only, municipality_only, school_staff_only
from core.cefr import Level, Skill
from core.inputs import optional_int, parse_date_param
from core.kept import kept
from core.tabular import table_download, write_csv, write_xlsx
from progress import charts, dashboard, data_version, exchange_stats, groups, report, suppression
from progress.forms import TargetForm
from progress.models import Target
from progress.targets import (
    TARGETS_VERSION,
    chosen_target,
    city_lag,
    school_trend,
    target_choices,
)
from schools.access import can_manage_school, groups_visible_to, schools_managed_by
from schools.models import School, SchoolYear

CHARTS = {
    "trend": (charts.trend_chart, dashboard.trend_data),
    "schools": (charts.schools_chart, dashboard.schools_data),
    "distribution": (charts.distribution_chart, dashboard.distribution_data),
}
# What each chart's data is made of: a chart builds only those parts of the dashboard.
CHART_PARTS = {
    "trend": ("trend",),
    "schools": ("progress",),
    "distribution": ("progress", "distribution"),
}


def _choices(request):
    """The target and date asked for (the defaults when none is named). An unknown target is a
    404; a date that cannot be read falls back to today with a message saying so."""
    today = datetime.date.today()
    try:
        on = parse_date_param(request.GET.get("date")) or today
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
        on = today
    return chosen_target(request.GET.get("target"), on=today), on


def _board(request, *, school=None, parts=dashboard.PARTS):
    target, on = _choices(request)
    if target is None:
        return None
    return dashboard.build(
        target=target, on=on, suppress=school is None, school=school, parts=parts
    )


def _school_label(board, row):
    """A school's name in the city's table: a link to that school's trend (the city's page
    only; a school's own page lists its groups)."""
    if board.school is not None:
        return row.label
    url = reverse("municipality_school_trend", args=[row.key.pk])
    return format_html('<a href="{}?target={}">{}</a>', url, board.target.pk, row.label)


def _page(request, board, *, template, extra, targets=None, keep_as=None):
    """The dashboard page of `board`; its body (the figures, without the signed-in frame) is
    kept in the cache under `keep_as` when that is given."""
    sort = request.GET.get("sort", "name")
    descending = request.GET.get("dir") == "desc"
    context = {
        "board": board,
        "targets": targets if targets is not None else target_choices(),
        "school_rows": [
            [_school_label(board, row), *dashboard.page_cells(row.figures)]
            for row in dashboard.sorted_rows(board.progress.schools, sort, descending)
        ]
        if board
        else [],
        "sort": sort,
        "descending": descending,
        "skills": Skill.choices,
        "min_cell": suppression.minimum(),
        "query": request.GET.urlencode(),
        **extra,
    }
    if board:
        context["tables"] = {
            name: dashboard.table(board, name)
            for name in ("tracks", "years", "trend", "distribution")
            + (("groups",) if board.school else ())
        }
        context["required_skills"] = [Skill(s).label for s in board.target.required_skills]
        context["weakest"] = (
            Skill(board.progress.weakest_skill).label if board.progress.weakest_skill else None
        )
        context["warnings"] = board.coverage_warnings()
    body = render_to_string("taalpad/_dashboard_body.html", context, request)
    if keep_as:
        # A page may hold figures that trail the data by the city's lag: it lives no longer.
        cache.set(keep_as, str(body), city_lag() or PAGE_SECONDS)
    return render(request, template, {**extra, "body": body})


PAGE_SECONDS = 3600  # without a lag, a kept page is exact for the data's versions in its key


def _kept_key(kind, request, target, on, targets):
    """The key of the city's dashboard body kept as rendered: every input it is made from.
    The figures enter by the data's versions (any write that can change a figure moves them
    on), the targets by every field of those it shows, the rest by the query, the day, the
    language and the cell size."""
    latest, history = data_version.both()
    fields = Target._meta.concrete_fields
    shown = [[getattr(t, field.attname) for field in fields] for t in targets]
    inputs = (
        kind,
        target.pk,
        on,
        datetime.date.today(),
        request.GET.urlencode(),
        get_language(),
        suppression.minimum(),
        latest,
        history,
        shown,
    )
    return f"taalpad:city-{kind}:" + hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]


def _page_key(request, target, on, targets):
    return _kept_key("page", request, target, on, targets)


def _chart(board, kind):
    if kind not in CHARTS or board is None:
        raise Http404
    render_chart, data_of = CHARTS[kind]
    return _svg_response(charts.cached_svg(kind, data_of(board), render_chart))


def _svg_response(svg):
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


def export_filename(stem, table, board):
    """What the file holds, for which target and on which date, in the reader's language:
    taalpad-scholen-lea-2030-2026-10-01."""
    names = {
        "schools": _("schools"),
        "tracks": _("tracks"),
        "years": _("year levels"),
        "trend": _("trend"),
        "distribution": _("levels"),
        "groups": _("groups"),
        "report": _("council report"),
    }
    target = board.target.name.split(":")[0]
    return slugify(f"{stem}-{names[table]}-{target}-{board.progress.date.isoformat()}")


def _export(request, board, name, fmt, stem):
    if board is None or fmt not in ("csv", "xlsx"):
        raise Http404
    if name not in dashboard.TABLES or (name == "groups" and board.school is None):
        raise Http404
    # ?codes=1: the same table for programs, in the API's codes (DESIGN: codes).
    codes = request.GET.get("codes") == "1"
    title, headers, rows = dashboard.table(board, name, codes=codes)
    security_log.event("export", request, table=name, rows=len(rows), format=fmt)
    filename = export_filename(stem, name, board) + ("-codes" if codes else "")
    if fmt == "xlsx":
        content, kind = (
            write_xlsx(headers, rows, title=title),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    else:
        # Dutch and German spreadsheets read 30,7; programs read 30.7.
        comma = not codes and get_language() in ("nl", "de")
        content = write_csv(headers, rows, decimal_comma=comma, for_machines=codes)
        kind = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# The municipality ----------------------------------------------------------------------------


@require_GET
@municipality_only
def municipality_dashboard(request):
    extra = {"title": _("The city"), "chart_url": "municipality_chart"}
    extra["export_url"] = "municipality_export"
    target, on = _choices(request)
    if target is None:
        return _page(request, None, template="taalpad/dashboard.html", extra=extra)
    targets = target_choices()
    key = _page_key(request, target, on, targets)
    body = cache.get(key)
    if body is not None:  # the same figures, rendered for the same question before
        return render(request, "taalpad/dashboard.html", {**extra, "body": mark_safe(body)})
    board = dashboard.build(target=target, on=on, suppress=True)
    extra["years"] = SchoolYear.objects.order_by("-start_year")
    return _page(
        request, board, template="taalpad/dashboard.html", extra=extra, targets=targets, keep_as=key
    )


@require_GET
@municipality_only
def municipality_chart(request, kind):
    """A chart of the city's dashboard, kept as drawn beside the versions of what it is drawn
    from (the data, the settled days, the targets): a repeated request reads them and the
    chart in one round trip, and neither looks up its target nor reads a figure."""
    if kind not in CHARTS:
        raise Http404
    inputs = (kind, request.GET.urlencode(), datetime.date.today(), get_language())
    inputs += (suppression.minimum(),)
    key = "taalpad:city-chart:" + hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]

    def draw():
        target, on = _choices(request)  # an unknown target is a 404, and nothing is kept
        if target is None:
            raise Http404
        board = dashboard.build(target=target, on=on, suppress=True, parts=CHART_PARTS[kind])
        render_chart, data_of = CHARTS[kind]
        return charts.cached_svg(kind, data_of(board), render_chart)

    versions = [data_version.KEY, data_version.HISTORY_KEY, TARGETS_VERSION]
    return _svg_response(kept(key, versions, draw, city_lag() or PAGE_SECONDS))


@require_GET
@municipality_only
def municipality_export(request, table, fmt):
    return _export(request, _board(request), table, fmt, "taalpad")


def _council_report(request):
    """The board and report for the target and date asked for; `?year=` asks for the end of
    that school year (or today, in the current one)."""
    target, on = _choices(request)
    if target is None:
        raise Http404
    year = SchoolYear.objects.filter(start_year=optional_int(request.GET.get("year")) or 0).first()
    if year is not None:
        on = min(year.ends_on, datetime.date.today())
    board = dashboard.build(target=target, on=on, suppress=True)
    school_year = SchoolYear.objects.filter(
        start_year=SchoolYear.start_year_of(board.progress.date)
    ).first()
    _rows, city = exchange_stats.exchange_statistics(
        school_years=[school_year] if school_year else [], suppress=True
    )
    exchanges = city.get(school_year.start_year) if school_year else None
    return board, report.council_report(board, exchanges=exchanges)


def _report_query(board):
    return urlencode({"target": board.target.pk, "date": board.progress.date.isoformat()})


@require_GET
@municipality_only
def municipality_report(request):
    board, council = _council_report(request)
    query = _report_query(board)
    page_url = request.build_absolute_uri(reverse("municipality_report_page")) + f"?{query}"
    content = report.pdf(council, board=board, page_url=page_url)
    response = HttpResponse(content, content_type="application/pdf")
    name = export_filename("taalpad", "report", board)
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@require_GET
@municipality_only
def municipality_report_page(request):
    """The council report as a page: accessible, printable, from the dashboard's figures."""
    board, council = _council_report(request)
    context = {
        "title": council.title,
        "report": council,
        "query": _report_query(board),
    }
    return render(request, "taalpad/report.html", context)


@require_GET
@municipality_only
def target_list(request):
    targets = target_choices()
    return render(request, "taalpad/target_list.html", {"title": _("Targets"), "targets": targets})


@require_http_methods(["GET", "POST"])
@municipality_only
def target_edit(request, target_id=None):
    target = get_object_or_404(Target, pk=target_id) if target_id else None
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Target “%(name)s” saved.") % {"name": saved.name})
        return redirect("target_list")
    title = _("Change target") if target else _("New target")
    return render(
        request, "taalpad/target_form.html", {"title": title, "form": form, "target": target}
    )


# A school's own dashboard --------------------------------------------------------------------


def _managed(request, school_id):
    return get_object_or_404(schools_managed_by(request.user), pk=school_id)


@require_GET
@coordinator_only
def school_dashboard(request, school_id):
    school = _managed(request, school_id)
    board = _board(request, school=school)
    return _page(
        request,
        board,
        template="taalpad/dashboard.html",
        extra={
            "title": _("Progress of %(school)s") % {"school": school.name},
            "school": school,
            "chart_url": "school_chart",
            "export_url": "school_progress_export",
        },
    )


@require_GET
@coordinator_only
def school_chart(request, school_id, kind):
    school = _managed(request, school_id)
    return _chart(_board(request, school=school, parts=CHART_PARTS.get(kind, ())), kind)


@require_GET
@coordinator_only
def school_export(request, school_id, table, fmt):
    school = _managed(request, school_id)
    return _export(request, _board(request, school=school), table, fmt, f"taalpad-{school.brin}")


# One school's trend, for the municipality ---------------------------------------------------


def _school_trend(request, school_id):
    target, _on = _choices(request)
    if target is None:
        raise Http404
    schools = School.objects.all()
    if target.sectors:
        schools = schools.filter(sector__in=target.sectors)
    school = get_object_or_404(schools, pk=school_id)
    return target, school, school_trend(target=target, school=school)


def _school_trend_chart_data(target, points):
    shown = tuple((p.date, p.label, p.figures.share) for p in points if p.figures.share is not None)
    return (shown, float(target.share), target.deadline, None, None)


@require_GET
@municipality_only
def municipality_school_trend(request, school_id):
    """One school's trend, opened from the city's table: its row of the city's page on each
    reference date, withheld where the city's page withholds it."""
    target, school, points = _school_trend(request, school_id)
    rows = [[point.label, point.date, *dashboard.page_cells(point.figures)] for point in points]
    context = {
        "title": _("%(school)s: trend") % {"school": school.name},
        "school": school,
        "target": target,
        "rows": rows,
        "has_chart": any(point.figures.share is not None for point in points),
    }
    return render(request, "taalpad/school_trend.html", context)


@require_GET
@municipality_only
def municipality_school_trend_chart(request, school_id):
    target, _school, points = _school_trend(request, school_id)
    data = _school_trend_chart_data(target, points)
    return _svg_response(charts.cached_svg("school-trend", data, charts.trend_chart))


# Exchanges, for the municipality -----------------------------------------------------------


def _exchange_board(request):
    target, on = _choices(request)
    years = list(SchoolYear.objects.order_by("start_year"))
    rows, city = exchange_stats.exchange_statistics(school_years=years, suppress=True)
    return {
        "target": target,
        "on": on,
        "years": years,
        "rows": rows,
        "city": city,
        "comparison": exchange_stats.participation_comparison(target=target, on=on)
        if target
        else None,
        "change": exchange_stats.level_change(suppress=True),
    }


def _participation_data(rows):
    by_school = {}
    for row in rows:
        by_school.setdefault(row.school.name, []).append(
            (row.school_year.name, row.figures.participation_rate)
        )
    return tuple((name, tuple(points)) for name, points in sorted(by_school.items()))


@require_GET
@municipality_only
def municipality_exchanges(request):
    board = _exchange_board(request)
    context = {
        "title": _("Exchanges in the city"),
        **board,
        "targets": target_choices(),
        "skills": Skill.choices,
        "change_rows": [
            (Skill(skill).label, pairs, mean) for skill, (pairs, mean) in board["change"].items()
        ],
        "city_rows": [(year, board["city"].get(year.start_year)) for year in board["years"]],
        "took_part": board["comparison"][True] if board["comparison"] else None,
        "not_took_part": board["comparison"][False] if board["comparison"] else None,
    }
    return render(request, "taalpad/exchanges_dashboard.html", context)


@require_GET
@municipality_only
def municipality_exchange_export(request, fmt):
    """The exchanges per school and school year as the page shows them: withheld counts stay
    withheld."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    years = list(SchoolYear.objects.order_by("start_year"))
    rows, _city = exchange_stats.exchange_statistics(school_years=years, suppress=True)
    title, headers, table = exchange_stats.exchange_table(rows)
    security_log.event("export", request, table="exchanges", rows=len(table), format=fmt)
    return table_download(
        headers,
        table,
        fmt=fmt,
        filename=slugify(f"taalpad-{title}"),
        title=title,
        decimal_comma=get_language() in ("nl", "de"),
    )


@require_GET
@municipality_only
def municipality_exchange_chart(request, kind):
    if kind == "map":
        counts = exchange_stats.activities_per_city()
        data = tuple(sorted((city, lat, lon, n) for (city, lat, lon), n in counts.items()))
        svg = charts.cached_svg("map", data, charts.partner_map)
    elif kind == "participation":
        years = list(SchoolYear.objects.order_by("start_year"))
        rows, _city = exchange_stats.exchange_statistics(school_years=years, suppress=True)
        svg = charts.cached_svg(
            "participation", _participation_data(rows), charts.participation_chart
        )
    else:
        raise Http404
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
@school_staff_only
def group_detail(request, group_id):
    group = get_object_or_404(
        groups_visible_to(request.user).select_related("school", "school_year"), pk=group_id
    )
    context = {
        "title": f"{group.name} · {group.school_year}",
        "group": group,
        **groups.group_overview(group, today=datetime.date.today()),
        "skills": Skill.choices,
        "can_manage": can_manage_school(request.user, group.school),
        "teachers": list(group.teachers.all()),
        "levels": Level,
    }
    return render(request, "progress/group_detail.html", context)
