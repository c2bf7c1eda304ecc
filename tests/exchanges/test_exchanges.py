import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.cefr import Level, Skill
from exchanges.models import ExchangeActivity, Partner
from exchanges.services import exchange_save, partner_save
from progress import exchange_stats
from progress.models import Target
from schools.services import result_record
from tests.conftest import enrol, make_group, make_pupil


@pytest.fixture
def gronau(db):
    return partner_save(
        partner=Partner(
            name="Realschule Gronau", kind="school", city="Gronau (Westf.)", bundesland="NW"
        )
    )


def test_a_known_border_town_gets_its_coordinates(gronau):
    assert (gronau.latitude, gronau.longitude) == (Decimal("52.21"), Decimal("7.02"))


def test_a_partner_twice_in_one_city_is_a_clear_form_error(client, teacher_a1, gronau):
    client.force_login(teacher_a1)
    response = client.post(
        reverse("partner_create"),
        {
            "name": "REALSCHULE GRONAU",
            "kind": "school",
            "city": "gronau (westf.)",
            "country": "DE",
        },
    )
    assert "already has a partner with this name" in response.content.decode()
    assert Partner.objects.count() == 1


def test_a_teacher_records_a_visit_with_a_whole_group(
    client, teacher_a1, school_a, group_a1, pupil_a1, gronau
):
    second = make_pupil(school_a, "1003", "Sem", "Smit")
    enrol(second, group_a1)
    day = group_a1.school_year.starts_on + datetime.timedelta(days=40)
    client.force_login(teacher_a1)
    response = client.post(
        reverse("exchange_create"),
        {
            "school": school_a.pk,
            "kind": "visit",
            "title": "Bezoek Gronau",
            "starts_on": day.isoformat(),
            "ends_on": day.isoformat(),
            "contact_hours": "6",
            "extra_participants": "0",
            "partners": [gronau.pk],
            "organisers": [teacher_a1.pk],
        },
    )
    activity = ExchangeActivity.objects.get()
    assert response.url == reverse("exchange_detail", args=[activity.pk])
    client.post(
        reverse("exchange_detail", args=[activity.pk]), {"add_group": "1", "group": group_a1.pk}
    )
    assert set(activity.participants.values_list("pupil_number", flat=True)) == {"1001", "1003"}
    page = client.get(reverse("partner_detail", args=[gronau.pk])).content.decode()
    assert school_a.name in page


@pytest.mark.parametrize(
    ("starts", "ends", "hours", "message"),
    [
        ("2026-05-02", "2026-05-01", "2", "cannot end before it starts"),
        ("2026-05-01", "2026-05-01", "25", "do not fit in 1 day"),
        ("2026-05-01", "2026-05-03", "-1", "Ensure this value is greater than or equal to"),
    ],
)
def test_dates_and_hours_are_checked(client, teacher_a1, school_a, starts, ends, hours, message):
    client.force_login(teacher_a1)
    response = client.post(
        reverse("exchange_create"),
        {
            "school": school_a.pk,
            "kind": "visit",
            "title": "Reis",
            "starts_on": starts,
            "ends_on": ends,
            "contact_hours": hours,
            "extra_participants": "0",
        },
    )
    content = response.content.decode()
    assert message in content or "cannot be negative" in content
    assert 'value="Reis"' in content
    assert not ExchangeActivity.objects.exists()


def test_organisers_must_be_staff_of_the_school(school_a, teacher_b):
    activity = ExchangeActivity(
        school=school_a,
        kind="visit",
        title="x",
        starts_on=datetime.date(2026, 5, 1),
        ends_on=datetime.date(2026, 5, 1),
    )
    with pytest.raises(ValidationError, match="staff of this school"):
        exchange_save(activity=activity, partners=[], organisers=[teacher_b])


def test_another_schools_activity_is_a_404(client, teacher_b, school_a, gronau):
    activity = ExchangeActivity.objects.create(
        school=school_a,
        kind="visit",
        title="A",
        starts_on=datetime.date(2026, 5, 1),
        ends_on=datetime.date(2026, 5, 1),
    )
    client.force_login(teacher_b)
    for name in ("exchange_detail", "exchange_edit", "exchange_delete"):
        assert client.get(reverse(name, args=[activity.pk])).status_code == 404
    assert client.post(reverse("exchange_delete", args=[activity.pk])).status_code == 404
    assert ExchangeActivity.objects.filter(pk=activity.pk).exists()
    assert "A" not in [a.title for a in client.get(reverse("exchange_list")).context["activities"]]


def test_a_teacher_sees_only_the_participants_they_may_see(
    client, teacher_a_other, school_a, pupil_a1, pupil_a2
):
    activity = ExchangeActivity.objects.create(
        school=school_a,
        kind="project",
        title="P",
        starts_on=datetime.date(2026, 5, 1),
        ends_on=datetime.date(2026, 5, 1),
    )
    activity.participants.add(pupil_a1, pupil_a2)
    client.force_login(teacher_a_other)
    content = client.get(reverse("exchange_detail", args=[activity.pk])).content.decode()
    assert pupil_a2.family_name in content and pupil_a1.family_name not in content
    assert "and 1 pupil from groups you do not teach" in content


@pytest.fixture
def exchange_city(school_a, school_b, school_year, gronau):
    """School A: 12 pupils, 5 took part (3 of them twice); school B: 11 pupils, 2 took part."""
    group_a = make_group(school_a, school_year, "X3A")
    group_b = make_group(school_b, school_year, "Y3A")
    pupils_a = [make_pupil(school_a, f"A{n}", "A", str(n)) for n in range(12)]
    pupils_b = [make_pupil(school_b, f"B{n}", "B", str(n)) for n in range(11)]
    for pupil in pupils_a:
        enrol(pupil, group_a)
    for pupil in pupils_b:
        enrol(pupil, group_b)
    day = school_year.starts_on + datetime.timedelta(days=30)
    first = ExchangeActivity.objects.create(
        school=school_a,
        kind="visit",
        title="1",
        starts_on=day,
        ends_on=day,
        contact_hours=6,
        extra_participants=4,
    )
    second = ExchangeActivity.objects.create(
        school=school_a, kind="project", title="2", starts_on=day, ends_on=day, contact_hours=3
    )
    other = ExchangeActivity.objects.create(
        school=school_b, kind="visit", title="3", starts_on=day, ends_on=day, contact_hours=8
    )
    first.partners.add(gronau)
    first.participants.add(*pupils_a[:5])
    second.participants.add(*pupils_a[:3])
    other.participants.add(*pupils_b[:2])
    return pupils_a, pupils_b


def test_participation_against_a_count_by_hand(exchange_city, school_a, school_b, school_year):
    rows, city = exchange_stats.exchange_statistics(
        school_years=[school_year], schools=[school_a, school_b], suppress=False
    )
    figures = {row.school: row.figures for row in rows}
    # By hand: school A has 12 enrolled, 5 distinct participants, 2 activities, 9 hours.
    assert (figures[school_a].participants, figures[school_a].enrolled) == (5, 12)
    assert figures[school_a].participation_rate == 5 / 12
    assert (figures[school_a].activities, figures[school_a].contact_hours) == (2, 9.0)
    assert figures[school_a].by_kind == {"visit": 1, "project": 1}
    assert figures[school_a].extra_participants == 4
    assert figures[school_a].partner_cities == ["Gronau (Westf.)"]
    assert (figures[school_b].participants, figures[school_b].enrolled) == (2, 11)
    total = city[school_year.start_year]
    assert (total.participants, total.enrolled, total.activities) == (7, 23, 3)


def test_small_participant_counts_are_withheld_and_not_recoverable(
    exchange_city, school_a, school_b, school_year, settings
):
    settings.TAALPAD_MIN_CELL = 5
    rows, city = exchange_stats.exchange_statistics(
        school_years=[school_year], schools=[school_a, school_b], suppress=True
    )
    figures = {row.school: row.figures for row in rows}
    assert figures[school_b].suppressed and figures[school_b].participants is None
    # School A is withheld too: else B = city total − A. And with two schools, a sum with
    # withheld cells cannot have the three it needs (a coordinator of A knows A's count):
    # the city's total of that year is withheld as well.
    assert figures[school_a].suppressed
    assert city[school_year.start_year].participants is None


def test_the_comparison_of_participants_has_a_known_answer(
    exchange_city, school_year, teacher_a1, rated_speaking, settings
):
    settings.TAALPAD_MIN_CELL = 1  # nothing withheld: the computation itself is checked
    pupils_a, pupils_b = exchange_city
    target = Target.objects.create(
        name="T",
        threshold=Level.B1,
        required_skills=[Skill.SPOKEN_INTERACTION],
        sectors=["vo"],
        share="0.5",
        deadline=datetime.date(2035, 7, 31),
    )
    day = school_year.starts_on + datetime.timedelta(days=60)
    # Participants A0-A4 and B0-B1: A0-A3 reach B1. Non-participants: only A5 does.
    for pupil in pupils_a[:4] + pupils_a[5:6]:
        result_record(
            by=teacher_a1, pupil=pupil, instrument=rated_speaking, assessed_on=day, level="b1"
        )
    split = exchange_stats.participation_comparison(target=target, on=day, suppress=False)
    took, other = split[True], split[False]
    assert (took.population, took.met) == (7, 4)
    assert (other.population, other.met) == (16, 1)
    # With a minimum of 2, the one non-participant who meets the target is withheld, and so
    # is the participants' 4: the two add up to the city's count, which the dashboard shows.
    settings.TAALPAD_MIN_CELL = 2
    on_reference_date = datetime.date(school_year.start_year, 10, 1)
    split = exchange_stats.participation_comparison(target=target, on=on_reference_date)
    assert (split[True].population, split[True].met) == (7, None)
    assert (split[False].population, split[False].met) == (16, None)


def test_the_level_change_of_participants(
    exchange_city, school_year, teacher_a1, rated_speaking, settings
):
    settings.TAALPAD_MIN_CELL = 2
    pupils_a, _b = exchange_city
    activity_day = school_year.starts_on + datetime.timedelta(days=30)
    for pupil, before, after in ((pupils_a[0], "a1", "b1"), (pupils_a[1], "a2", "a2")):
        result_record(
            by=teacher_a1,
            pupil=pupil,
            instrument=rated_speaking,
            assessed_on=activity_day - datetime.timedelta(days=5),
            level=before,
        )
        result_record(
            by=teacher_a1,
            pupil=pupil,
            instrument=rated_speaking,
            assessed_on=activity_day + datetime.timedelta(days=5),
            level=after,
        )
    change = exchange_stats.level_change(suppress=True)
    # pupils A0 and A1 took part in two activities each on that day: four pairs.
    assert change[Skill.SPOKEN_INTERACTION] == (4, 1.0)
    settings.TAALPAD_MIN_CELL = 10
    assert exchange_stats.level_change(suppress=True)[Skill.SPOKEN_INTERACTION] == (None, None)


@pytest.mark.parametrize("extra", [0, 30])
def test_the_statistics_take_a_fixed_number_of_queries(
    extra, exchange_city, school_a, school_b, school_year, django_assert_num_queries
):
    group = make_group(school_a, school_year, "Z3A")
    for n in range(extra):
        enrol(make_pupil(school_a, f"Z{n}", "Z", str(n)), group)
    # activities by kind, participants, enrolled, partner cities
    with django_assert_num_queries(4):
        exchange_stats.exchange_statistics(school_years=[school_year], schools=[school_a, school_b])


@pytest.mark.parametrize("count", [1, 15])
def test_the_exchange_list_takes_a_fixed_number_of_queries(
    count, client, teacher_a1, school_a, school_year, gronau, django_assert_num_queries
):
    for n in range(count):
        activity = ExchangeActivity.objects.create(
            school=school_a,
            kind="visit",
            title=f"T{n}",
            starts_on=school_year.starts_on,
            ends_on=school_year.starts_on,
        )
        activity.partners.add(gronau)
    client.force_login(teacher_a1)
    client.get(reverse("exchange_list"))
    # session, user with its roles and memberships, schools, school years,
    # activities, their partners, statistics (4)
    with django_assert_num_queries(10):
        client.get(reverse("exchange_list"))


def test_the_municipality_sees_participation_change(
    client, municipality, teacher_a1, school_a, group_a1, pupil_a1, gronau, settings
):
    settings.TAALPAD_MIN_CELL = 1
    client.force_login(municipality)
    before = client.get(reverse("municipality_exchanges")).content.decode()
    activity = ExchangeActivity.objects.create(
        school=school_a,
        kind="visit",
        title="Gronau",
        starts_on=group_a1.school_year.starts_on,
        ends_on=group_a1.school_year.starts_on,
    )
    activity.participants.add(pupil_a1)
    after = client.get(reverse("municipality_exchanges")).content.decode()
    assert before != after and "100%" in after
    map_svg = client.get(reverse("municipality_exchange_chart", args=["map"])).content
    assert map_svg.startswith(b"<?xml")
