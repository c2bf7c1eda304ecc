"""Reads of exchange data: per school and school year, activities by kind, distinct
participating pupils, pupils enrolled, contact hours and partner cities, with the city's
totals. Exact figures; whoever shows them to the municipality suppresses them first
(`progress.exchange_stats`). A fixed number of queries, whatever the number of pupils."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, ExpressionWrapper, IntegerField, Q, Sum, When
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from core import schoolyear
from exchanges.models import ExchangeActivity, Partner
from schools.models import Enrolment, School, SchoolYear


@dataclass
class ExchangeFigures:
    activities: int = 0
    by_kind: dict = field(default_factory=dict)
    participants: int | None = 0  # distinct pupils by name
    extra_participants: int = 0  # counted without names
    enrolled: int | None = 0
    contact_hours: float = 0.0
    partner_cities: list = field(default_factory=list)
    suppressed: bool = False

    @property
    def kinds(self):
        """[(kind label, activities)] in the order of the kinds."""
        return [
            (label, self.by_kind[kind])
            for kind, label in ExchangeActivity.Kind.choices
            if kind in self.by_kind
        ]

    def add(self, other):
        """Add another school's figures to these (a city's totals)."""
        self.activities += other.activities
        self.contact_hours += other.contact_hours
        self.extra_participants += other.extra_participants
        self.participants += other.participants
        self.enrolled += other.enrolled
        for kind, n in other.by_kind.items():
            self.by_kind[kind] = self.by_kind.get(kind, 0) + n
        for place in other.partner_cities:
            if place not in self.partner_cities:
                self.partner_cities.append(place)

    @property
    def participation_rate(self):
        if self.participants is None or not self.enrolled:
            return None
        return self.participants / self.enrolled


@dataclass
class ExchangeRow:
    school: School
    school_year: SchoolYear
    figures: ExchangeFigures


# The school year an activity belongs to: the calendar year of its start, less one before August.
SCHOOL_YEAR = ExpressionWrapper(
    ExtractYear("starts_on") - Case(When(starts_on__month__lt=8, then=1), default=0),
    output_field=IntegerField(),
)


def exchange_figures(*, school_years, schools=None):
    """[ExchangeRow] per school and school year, plus {start_year: ExchangeFigures} city totals,
    exact (the municipality reads them suppressed, through progress.exchange_stats).

    Participants are distinct pupils who took part in an activity that started in the school
    year; the participation rate divides them by the pupils enrolled at the school that year.
    """
    years = {year.start_year: year for year in school_years}
    if not years:
        return [], {}
    first = min(years)
    start, end = schoolyear.first_day(first), schoolyear.last_day(max(years))
    activities = ExchangeActivity.objects.filter(starts_on__gte=start, starts_on__lte=end)
    enrolments = Enrolment.objects.filter(group__school_year__start_year__in=list(years))
    school_list = (
        list(schools)
        if schools is not None
        else list(School.objects.filter(sector="vo").order_by("name"))
    )
    school_ids = [s.pk for s in school_list]
    activities = activities.filter(school_id__in=school_ids)
    enrolments = enrolments.filter(group__school_id__in=school_ids)
    rows = {}

    def row(school_id, start_year):
        return rows.setdefault((school_id, start_year), ExchangeFigures())

    _count_activities(activities, row)
    _count_participants(activities, row)
    _count_enrolled(enrolments, row)
    _list_partner_cities(activities, row)
    by_school = {s.pk: s for s in school_list}
    result = []
    for (school_id, start_year), figures in sorted(
        rows.items(), key=lambda kv: (kv[0][1], by_school[kv[0][0]].name)
    ):
        figures.partner_cities.sort()
        result.append(ExchangeRow(by_school[school_id], years[start_year], figures))
    city = {}
    for item in result:
        city.setdefault(item.school_year.start_year, ExchangeFigures()).add(item.figures)
    return result, city


def _count_activities(activities, row):
    """Activities by kind, hours and anonymous participants: one grouped query."""
    for item in (
        activities.annotate(start_year=SCHOOL_YEAR)
        .values("school_id", "start_year", "kind")
        .annotate(n=Count("id"), hours=Sum("contact_hours"), extra=Sum("extra_participants"))
    ):
        figures = row(item["school_id"], item["start_year"])
        figures.activities += item["n"]
        figures.by_kind[item["kind"]] = item["n"]
        figures.contact_hours += float(item["hours"] or 0)
        figures.extra_participants += item["extra"] or 0


def _count_participants(activities, row):
    """Distinct participants per school and year: one grouped query."""
    for item in (
        activities.annotate(start_year=SCHOOL_YEAR)
        .values("school_id", "start_year")
        .annotate(pupils=Count("participants", distinct=True))
    ):
        row(item["school_id"], item["start_year"]).participants = item["pupils"]


def _count_enrolled(enrolments, row):
    """Pupils enrolled per school and year: one grouped query."""
    grouped = enrolments.values("group__school_id", "group__school_year__start_year")
    for item in grouped.annotate(pupils=Count("pupil_id", distinct=True)):
        figures = row(item["group__school_id"], item["group__school_year__start_year"])
        figures.enrolled = item["pupils"]


def _list_partner_cities(activities, row):
    """Partner cities per school and year: one query."""
    for item in (
        activities.annotate(start_year=SCHOOL_YEAR)
        .values("school_id", "start_year", "partners__city")
        .distinct()
    ):
        if item["partners__city"]:
            cities = row(item["school_id"], item["start_year"]).partner_cities
            if item["partners__city"] not in cities:
                cities.append(item["partners__city"])


def with_participant_counts(activities):
    return activities.annotate(participant_count=Count("participants", distinct=True))


def partners_with_counts(*, query=""):
    """Partners with how many activities and schools they had, matching `query` if given."""
    partners = Partner.objects.annotate(
        activity_count=Count("activities", distinct=True),
        school_count=Count("activities__school", distinct=True),
    ).order_by("city", "name")
    if query:
        partners = partners.filter(Q(name__icontains=query) | Q(city__icontains=query))
    return partners


def schools_of_partner(partner):
    """[{school__name, activities}]: the schools that worked with `partner`, and how often."""
    return (
        partner.activities.values("school__name")
        .annotate(activities=Count("id"))
        .order_by("school__name")
    )


# Exports -------------------------------------------------------------------------------------


def activities_table(activities):
    """(title, headers, rows): the activities, one row each, with their partners and how many
    took part (by name and without names)."""
    activities = (
        with_participant_counts(activities)
        .select_related("school")
        .prefetch_related("partners")
        .order_by("starts_on", "title", "pk")
    )
    headers = [
        _("School"),
        _("Title"),
        _("Kind"),
        _("Start date"),
        _("End date"),
        _("German contact hours"),
        _("Partners"),
        _("Pupils taking part"),
        _("Without names"),
    ]
    rows = [
        [
            activity.school.name,
            activity.title,
            activity.get_kind_display(),
            activity.starts_on,
            activity.ends_on,
            activity.contact_hours,
            "; ".join(f"{p.name} ({p.city})" for p in activity.partners.all()),
            activity.participant_count,
            activity.extra_participants,
        ]
        for activity in activities
    ]
    return _("Exchange activities"), headers, rows


def participation_table(activities, pupils):
    """(title, headers, rows): one row per pupil of `pupils` (those the reader may see) and
    activity they took part in."""
    taking_part = (
        ExchangeActivity.participants.through.objects.filter(
            exchangeactivity__in=activities, pupil__in=pupils
        )
        .select_related("exchangeactivity__school", "pupil")
        .order_by(
            "exchangeactivity__starts_on",
            "exchangeactivity__title",
            "pupil__family_name",
            "pupil__given_name",
            "pk",
        )
    )
    headers = [
        _("School"),
        _("Activity"),
        _("Kind"),
        _("Start date"),
        _("Pupil number"),
        _("Pupil"),
    ]
    rows = [
        [
            row.exchangeactivity.school.name,
            row.exchangeactivity.title,
            row.exchangeactivity.get_kind_display(),
            row.exchangeactivity.starts_on,
            row.pupil.pupil_number,
            row.pupil.sort_name,
        ]
        for row in taking_part
    ]
    return _("Participation"), headers, rows
