"""The annual report: a PDF with the headline, charts and tables for a target and school year,
ready to attach to a letter to the council. Drawn with matplotlib from the dashboard's data."""

import io

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from taalpad import charts, dashboard
from taalpad.cefr import Skill

A4 = (8.27, 11.69)


def _status_text(status):
    return {
        "met": _("met"),
        "on_track": _("on track"),
        "behind": _("behind"),
        "not_enough_history": _("not enough history"),
        "unknown": _("unknown"),
    }[status]


def _percent(value):
    return "—" if value is None else f"{value * 100:.1f}%"


def _title_page(board, school_year):
    figure = Figure(figsize=A4)
    city = board.headline
    trend = board.trend
    lines = [
        (_("TaalPad annual report"), 22, "bold"),
        (board.target.name, 14, "normal"),
        ("", 10, "normal"),
        (
            (
                _("School year %(year)s, figures on %(date)s")
                % {
                    "year": school_year.name if school_year else "—",
                    "date": formats.date_format(board.progress.date, "SHORT_DATE_FORMAT"),
                }
            ),
            11,
            "normal",
        ),
        ("", 10, "normal"),
        (
            (
                _(
                    "Share of pupils at %(level)s or above in %(skills)s: %(share)s "
                    "(target %(goal)s by %(deadline)s)"
                )
                % {
                    "level": board.target.get_threshold_display(),
                    "skills": ", ".join(
                        str(Skill(s).label).lower() for s in board.target.required_skills
                    ),
                    "share": _percent(city.share),
                    "goal": _percent(float(board.target.share)),
                    "deadline": formats.date_format(board.target.deadline, "SHORT_DATE_FORMAT"),
                }
            ),
            11,
            "normal",
        ),
        (
            (
                _("Pupils in the population: %(n)s; assessed in every required skill: %(a)s")
                % {
                    "n": city.population if city.population is not None else _("withheld"),
                    "a": city.assessed if city.assessed is not None else _("withheld"),
                }
            ),
            11,
            "normal",
        ),
        (
            (
                _("Status: %(status)s; projected share at the deadline: %(projection)s")
                % {"status": _status_text(trend.status), "projection": _percent(trend.projection)}
            ),
            11,
            "normal",
        ),
        (
            (
                _("Pupils still needed to reach the target: %(n)s")
                % {"n": trend.still_needed if trend.still_needed is not None else "—"}
            ),
            11,
            "normal",
        ),
        ("", 10, "normal"),
        (
            (_("Figures resting on fewer than the minimum number of pupils are withheld.")),
            9,
            "normal",
        ),
        (
            (
                _("Made by TaalPad on %(date)s.")
                % {"date": formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")}
            ),
            9,
            "normal",
        ),
    ]
    y = 0.92
    for text, size, weight in lines:
        figure.text(0.08, y, text, fontsize=size, fontweight=weight, wrap=True)
        y -= 0.045 if size < 12 else 0.06
    return figure


def _chart_page(title, draw):
    figure = Figure(figsize=A4)
    figure.text(0.08, 0.95, title, fontsize=14, fontweight="bold")
    draw(figure)
    return figure


A4_LANDSCAPE = (11.69, 8.27)


def _table_page(title, headers, rows):
    figure = Figure(figsize=A4_LANDSCAPE)
    figure.text(0.05, 0.96, title, fontsize=14, fontweight="bold")
    axes = figure.add_axes([0.03, 0.03, 0.94, 0.9])
    axes.axis("off")
    # Numbers and dates as the reader's language writes them (decimal comma, 31.07.2030…).
    shown = [[str(formats.localize(cell)) for cell in row] for row in rows[:45]] or [
        [""] * len(headers)
    ]
    table = axes.table(
        cellText=shown, colLabels=[str(h) for h in headers], loc="upper center", cellLoc="left"
    )
    table.auto_set_font_size(False)
    table.set_fontsize(7)
    table.auto_set_column_width(list(range(len(headers))))
    table.scale(1, 1.25)
    return figure


def _trend_axes(figure, board):
    axes = figure.add_axes([0.1, 0.58, 0.8, 0.3])
    charts.draw_trend(axes, dashboard.trend_data(board), fontsize=8)
    schools_rows, goal = dashboard.schools_data(board)
    bars = figure.add_axes([0.35, 0.06, 0.55, 0.4])
    bars.barh(range(len(schools_rows)), [s for _n, s in schools_rows], color="#1d4e89")
    bars.set_yticks(range(len(schools_rows)), [n for n, _s in schools_rows], fontsize=7)
    bars.invert_yaxis()
    bars.axvline(goal, color="#c2410c")
    bars.set_xlim(0, 1)
    bars.xaxis.set_major_formatter(PercentFormatter(1.0))


def annual_report(board, *, school_year):
    """The report as PDF bytes. Uses only the dashboard's (suppressed) figures."""
    buffer = io.BytesIO()
    with PdfPages(
        buffer,
        metadata={"Title": str(board.target.name), "Creator": "TaalPad", "CreationDate": None},
    ) as pdf:
        pdf.savefig(_title_page(board, school_year))
        pdf.savefig(_chart_page(_("Trend and schools"), lambda f: _trend_axes(f, board)))
        for name in ("schools", "trend", "distribution", "tracks", "years"):
            title, headers, rows = dashboard.table(board, name)
            pdf.savefig(_table_page(title, headers, rows))
    return buffer.getvalue()
