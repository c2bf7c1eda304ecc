"""The council report: the dashboard's (suppressed) figures for one target and reference date,
written out once as sentences and tables, then shown as an accessible page and as a PDF.

Both come from `council_report()`, so the page and the PDF say the same thing in the same
words and the same number format (the reader's language: 42,1 % and 1.846 in Dutch).

The PDF is drawn with fpdf2: a pure-Python library (no system libraries, so `dev.py` still
installs everything), writing real text in an embedded Unicode font (searchable, copyable,
read by screen readers as text), the document language and title, a bookmark per section and
alternative text on the chart. It is not a fully tagged PDF/UA; the page is the accessible
version, and the PDF says where to find it.
"""

import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from matplotlib.figure import Figure

from core.cefr import Skill
from progress import charts, dashboard, suppression

MUNICIPALITY = "Enschede"
TABLE_ROWS_PER_PAGE = 40


# One number format -------------------------------------------------------------------------


def number(value):
    """A count as the reader's language writes it (1.846 in Dutch); text (< 10, withheld) and
    None ("—") as they are."""
    if value is None or value == "":
        return "—"
    if isinstance(value, int) and not isinstance(value, bool):
        return formats.number_format(value, 0, use_l10n=True, force_grouping=True)
    return str(value)


def percent(share):
    """A share 0…1 as a percentage with one decimal (42,1 % in Dutch), or "—"."""
    if share is None:
        return "—"
    return f"{formats.number_format(round(share * 100, 1), 1, use_l10n=True)} %"


def day(value):
    return formats.date_format(value, "DATE_FORMAT")


# What the report says ----------------------------------------------------------------------


@dataclass
class Table:
    caption: str
    headers: list
    rows: list  # of rows of text cells
    numeric: list  # per column: right-aligned
    total: list | None = None  # the closing row (the city), if any


@dataclass
class CouncilReport:
    title: str
    target: str
    subtitle: str
    made_on: str
    share: str  # the headline figure, "42,1 %" or "withheld"
    headline: str
    projection: str
    facts: list  # [(label, value)]
    chart_alt: str
    trend: Table
    schools: Table
    exchanges: str
    method: list = field(default_factory=list)
    privacy: list = field(default_factory=list)


def council_report(board, *, exchanges):
    """What the report says, from the dashboard `board` (built with suppress=True) and the
    city's exchange figures of the school year (or None)."""
    target, city, trend = board.target, board.headline, board.trend
    skills = ", ".join(str(Skill(s).label).lower() for s in target.required_skills)
    on = board.progress.date
    return CouncilReport(
        title=_("Report to the council"),
        target=str(target.name),
        subtitle=_("Municipality of %(city)s · figures on the reference date %(date)s")
        % {"city": MUNICIPALITY, "date": day(on)},
        made_on=_("Made by TaalPad on %(date)s.") % {"date": day(timezone.localdate())},
        share=percent(city.share) if city.share is not None else _("withheld"),
        headline=_headline(board, skills),
        projection=_projection(board),
        facts=[
            (_("Share of the city"), percent(city.share)),
            (_("Target share"), percent(float(target.share))),
            (_("Deadline"), day(target.deadline)),
            (_("Pupils in the population"), number(dashboard.shown(city, "population"))),
            (_("Assessed in every required skill"), number(dashboard.shown(city, "assessed"))),
            (_("Reach the target level"), number(dashboard.shown(city, "met"))),
            (_("Pupils still needed"), number(trend.still_needed)),
        ],
        chart_alt=_(
            "Share reaching the target per school year, with the target line and the "
            "projection to the deadline; the numbers are in the table below."
        ),
        trend=_trend_table(board),
        schools=_schools_table(board),
        exchanges=_exchanges(exchanges),
        method=[
            _(
                "Population: the pupils enrolled on that date in a group the target covers "
                "(its sectors, tracks and year levels). Pupils who dropped German are in it and "
                "count as not assessed. Assessed: a result in every required skill. Met: at or "
                "above the threshold in every required skill."
            ),
            _(
                "How the projection is made: a straight line (least squares) through the "
                "shares on 31 July of the school years that have ended, read at the deadline "
                "and kept between 0 and 100 %. This school year's point is shown but not "
                "fitted: it is another moment of the year. With fewer than two ended school "
                "years there is not enough history for a projection."
            ),
        ],
        privacy=[
            _(
                "No figure rests on fewer than %(minimum)s pupils: such counts show as "
                "“< %(minimum)s”; counts marked “withheld” are left out so that none of those "
                "can be worked out from the totals. The municipality sees figures on reference "
                "dates only (1 October, 1 February and 31 July)."
            )
            % {"minimum": suppression.minimum()},
            _("A share shows as “—” where a count it rests on is withheld."),
        ],
    )


def _headline(board, skills):
    city, target = board.headline, board.target
    if city.share is None:
        return _("Too few pupils in this selection: the figures are withheld.")
    return _(
        "%(share)s of the pupils reach %(level)s or above in %(skills)s; the target is "
        "%(goal)s by %(deadline)s."
    ) % {
        "share": percent(city.share),
        "level": target.get_threshold_display(),
        "skills": skills,
        "goal": percent(float(target.share)),
        "deadline": day(target.deadline),
    }


def _projection(board):
    trend, target = board.trend, board.target
    if trend.deadline_passed:
        if trend.status == "met":
            return _(
                "The deadline has passed: these are the figures on the deadline; the target "
                "was met."
            )
        return _(
            "The deadline has passed: these are the figures on the deadline; the target was "
            "not met."
        )
    if trend.projection is None:
        return _(
            "There is not enough history for a projection yet (fewer than two finished school "
            "years)."
        )
    sentence = _(
        "If the trend of the finished school years continues, about %(projection)s will reach "
        "it on %(deadline)s."
    ) % {"projection": percent(trend.projection), "deadline": day(target.deadline)}
    verdicts = {"on_track": _("The city is on track."), "met": _("The target is already met.")}
    verdict = verdicts.get(trend.status) or _("The city is behind the target.")
    return f"{sentence} {verdict}"


def _exchanges(figures):
    if not figures or not figures.activities:
        return _("No exchange activities recorded this school year.")
    return _(
        "This school year: %(activities)s exchange activities, %(participants)s pupils taking part."
    ) % {
        "activities": number(figures.activities),
        "participants": number(figures.participants),
    }


def _count_cells(figures):
    return [
        number(dashboard.shown(figures, "population")),
        number(dashboard.shown(figures, "assessed")),
        number(dashboard.shown(figures, "met")),
        percent(figures.share),
    ]


def _schools_table(board):
    rows = [[row.label, *_count_cells(row.figures)] for row in board.progress.schools]
    headers = [_("school"), _("pupils"), _("assessed"), _("met"), _("share")]
    total = [_("All schools"), *_count_cells(board.headline)]
    return Table(_("Schools"), headers, rows, [False, True, True, True, True], total)


def _trend_table(board):
    rows = [[p.label, day(p.date), *_count_cells(p.figures)] for p in board.trend.points]
    if board.trend.projection is not None:
        rows.append(
            [
                _("projection"),
                day(board.target.deadline),
                "",
                "",
                "",
                percent(board.trend.projection),
            ]
        )
    headers = [_("school year"), _("date"), _("pupils"), _("assessed"), _("met"), _("share")]
    return Table(_("Trend"), headers, rows, [False, False, True, True, True, True])


# The PDF -----------------------------------------------------------------------------------

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # DejaVu, shipped with matplotlib
INK, MUTED, ACCENT, RULE = (17, 24, 39), (75, 85, 99), (29, 78, 137), (209, 213, 219)


def pdf(report, *, board, page_url):
    """The report as PDF bytes: a title page, then the city, the trend, the schools, exchanges,
    method and privacy, each a bookmarked section."""
    from fpdf import FPDF, FontFace

    class ReportPdf(FPDF):
        def footer(self):
            if self.page_no() == 1:
                return
            self.set_y(-14)
            self.set_font("body", size=8)
            self.set_text_color(*MUTED)
            self.cell(0, 8, f"{report.title} · {report.target} · {self.page_no()}", align="C")

    document = ReportPdf(format="A4")
    document.set_margins(20, 20, 20)
    document.set_auto_page_break(True, margin=20)
    document.add_font("body", "", FONT_DIR / "DejaVuSans.ttf")
    document.add_font("body", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    document.set_lang(get_language() or "nl")
    document.set_title(f"{report.title}: {report.target}")
    document.set_subject(report.subtitle)
    document.set_author(_("Municipality of %(city)s") % {"city": MUNICIPALITY})
    document.set_creator("TaalPad")
    document.set_creation_date(datetime.datetime.now(datetime.UTC))

    def text(size, content, *, bold=False, colour=INK, gap=2):
        document.set_font("body", "B" if bold else "", size)
        document.set_text_color(*colour)
        document.multi_cell(0, size * 0.5, content, align="L", new_x="LMARGIN", new_y="NEXT")
        document.ln(gap)

    def heading(title):
        document.start_section(title, level=0)
        text(15, title, bold=True, colour=ACCENT, gap=3)

    def table(data):
        widths = [3.2] + [1.7 if right else 2.2 for right in data.numeric[1:]]
        align = ["RIGHT" if right else "LEFT" for right in data.numeric]
        rows = data.rows + ([data.total] if data.total else [])
        document.set_font("body", "", 9)
        document.set_text_color(*INK)
        with document.table(
            col_widths=widths,
            text_align=align,
            line_height=5.5,
            headings_style=FontFace(emphasis="BOLD", fill_color=(238, 242, 247)),
            borders_layout="HORIZONTAL_LINES",
            repeat_headings=1,
        ) as grid:
            grid.row(data.headers)
            for index, row in enumerate(rows):
                last = data.total is not None and index == len(rows) - 1
                style = FontFace(emphasis="BOLD") if last else None
                grid.row([str(cell) for cell in row], style=style)
        document.ln(4)

    # Page 1: the title page, with the headline figure.
    document.add_page()
    document.start_section(report.title, level=0)
    document.ln(30)
    text(11, "TaalPad", bold=True, colour=ACCENT, gap=4)
    text(26, report.title, bold=True, gap=4)
    text(16, report.target, gap=8)
    text(11, report.subtitle, colour=MUTED, gap=24)
    text(40, report.share, bold=True, colour=ACCENT, gap=2)
    text(12, report.headline, gap=4)
    text(12, report.projection, gap=30)
    text(9, report.made_on, colour=MUTED, gap=1)
    text(
        9,
        _("This report is also a web page, for screen readers and printing: %(url)s")
        % {"url": page_url},
        colour=MUTED,
    )

    # Where the city stands, and the trend.
    document.add_page()
    heading(_("Where the city stands"))
    document.set_font("body", "", 10)
    document.set_text_color(*INK)
    with document.table(
        col_widths=(3, 2),
        text_align=("LEFT", "RIGHT"),
        line_height=6,
        first_row_as_headings=False,
        borders_layout="HORIZONTAL_LINES",
        width=110,
        align="LEFT",
    ) as grid:
        for label, value in report.facts:
            grid.row([label, value])
    document.ln(4)
    text(11, report.projection, gap=6)
    heading(_("Trend and projection"))
    document.image(io.BytesIO(_trend_png(board)), w=170, alt_text=report.chart_alt)

    document.add_page()
    heading(_("The trend in figures"))
    table(report.trend)
    heading(_("Schools"))
    table(report.schools)

    document.add_page()
    heading(_("Exchanges with German partners"))
    text(10, report.exchanges, gap=6)
    heading(_("Method and privacy"))
    for paragraph in report.method + report.privacy:
        text(10, paragraph, gap=3)
    return bytes(document.output())


def _trend_png(board):
    figure = Figure(figsize=(7.5, 3.6), dpi=200)
    axes = figure.add_axes([0.08, 0.14, 0.9, 0.8])
    charts.draw_trend(axes, dashboard.trend_data(board), fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
