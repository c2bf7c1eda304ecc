"""Each rule holds twice: `full_clean()` names the problem for a person, and the database
refuses the row even when code skips validation."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from accounts.models import Membership
from core.cefr import Level, Skill, Track
from exchanges.models import ExchangeActivity, Partner
from progress.models import Target
from schools.models import CutScore, Enrolment, Group, Instrument, Pupil, Result, School, SchoolYear


def assert_refused(obj, message):
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert message in str(error.value)
    with pytest.raises(DatabaseError), transaction.atomic():
        obj.save()


@pytest.mark.parametrize("brin", ["1AB", "12ab", "ABCD", "1234", "12ABC"])
def test_a_school_needs_a_brin_of_two_digits_and_two_capitals(db, brin):
    assert_refused(School(name="X", brin=brin, sector="vo"), "two digits followed by two capital")


def test_a_school_needs_a_known_sector(db):
    assert_refused(School(name="X", brin="12AB", sector="hbo"), "not a valid choice")


def test_brin_codes_are_unique(school_a):
    assert_refused(School(name="Other", brin="12AB", sector="vo"), "BRIN code already exists")


def test_school_years_cannot_overlap(school_year):
    assert_refused(SchoolYear(start_year=school_year.start_year), "already exists")


def test_a_school_year_runs_from_1_august_to_31_july(db):
    year = SchoolYear(start_year=2025)
    assert (year.name, year.starts_on, year.ends_on) == (
        "2025-2026",
        datetime.date(2025, 8, 1),
        datetime.date(2026, 7, 31),
    )
    assert SchoolYear.start_year_of(datetime.date(2026, 7, 31)) == 2025
    assert SchoolYear.start_year_of(datetime.date(2026, 8, 1)) == 2026


def test_a_school_year_outside_2000_2100_is_refused(db):
    assert_refused(SchoolYear(start_year=1999), "2000")


def test_a_group_name_is_unique_per_school_and_year(group_a1):
    duplicate = Group(
        school=group_a1.school,
        school_year=group_a1.school_year,
        name="H3A",
        year_level=3,
        track=Track.HAVO,
    )
    assert_refused(duplicate, "already has a group with this name")


def test_a_secondary_group_has_no_year_7(school_a, school_year):
    group = Group(school=school_a, school_year=school_year, name="V7", year_level=7, track="vwo")
    assert_refused(group, "The vwo track has no year 7")


def test_a_track_knows_its_last_year(school_a, school_year):
    group = Group(
        school=school_a, school_year=school_year, name="K5", year_level=5, track="vmbo-kb"
    )
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert "has no year 5" in str(error.value)


def test_a_group_track_must_exist_in_the_school_sector(school_a, school_year):
    group = Group(school=school_a, school_year=school_year, name="G7", year_level=7, track="po")
    with pytest.raises(ValidationError) as error:
        group.full_clean()
    assert "does not exist in this school's sector" in str(error.value)


def test_a_pupil_number_is_unique_per_school(pupil_a1, school_b):
    assert_refused(
        Pupil(school=pupil_a1.school, pupil_number="1001", given_name="X", family_name="Y"),
        "already has a pupil with this number",
    )
    # Another school may use the same number.
    Pupil(school=school_b, pupil_number="1001", given_name="X", family_name="Y").full_clean()


def test_a_pupil_number_is_required(school_a):
    assert_refused(Pupil(school=school_a, pupil_number="", given_name="X", family_name="Y"), "")


def test_an_enrolment_cannot_end_before_it_starts(pupil_a1, group_a2):
    start = group_a2.school_year.starts_on
    enrolment = Enrolment(
        pupil=pupil_a1, group=group_a2, starts_on=start + datetime.timedelta(days=5), ends_on=start
    )
    assert_refused(enrolment, "cannot end before it starts")


def test_an_enrolment_lies_within_the_school_year(pupil_a2, group_a1):
    pupil_a2.enrolments.all().delete()
    year = group_a1.school_year
    enrolment = Enrolment(
        pupil=pupil_a2,
        group=group_a1,
        starts_on=year.starts_on,
        ends_on=year.ends_on + datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        enrolment.full_clean()
    assert "must lie within the school year" in str(error.value)


def test_a_pupil_is_in_one_group_at_a_time(pupil_a1, group_a2):
    year = group_a2.school_year
    enrolment = Enrolment(
        pupil=pupil_a1, group=group_a2, starts_on=year.starts_on, ends_on=year.ends_on
    )
    with pytest.raises(ValidationError) as error:
        enrolment.full_clean()
    assert "already enrolled in a group in this period" in str(error.value)


def test_a_pupil_is_enrolled_once_per_group(pupil_a1, group_a1):
    year = group_a1.school_year
    duplicate = Enrolment(
        pupil=pupil_a1, group=group_a1, starts_on=year.starts_on, ends_on=year.starts_on
    )
    assert_refused(duplicate, "already enrolled in this group")


def test_one_role_per_person_and_school(teacher_a1, school_a):
    assert_refused(
        Membership(user=teacher_a1, school=school_a, role="coordinator"),
        "already has a role at this school",
    )


def test_a_membership_role_is_known(teacher_b, school_a):
    assert_refused(Membership(user=teacher_b, school=school_a, role="principal"), "not a valid")


@pytest.mark.parametrize(
    ("kind", "max_score"), [("scored", None), ("scored", Decimal(0)), ("rated", Decimal(10))]
)
def test_max_score_fits_the_kind_of_instrument(db, kind, max_score):
    instrument = Instrument(name="T", skill=Skill.READING, kind=kind, max_score=max_score)
    assert_refused(instrument, "maximum score above 0; a rated one has none")


def test_city_wide_instrument_names_are_unique_per_skill(dsd_listening):
    duplicate = Instrument(
        name=dsd_listening.name, skill=Skill.LISTENING, kind="scored", max_score=Decimal(24)
    )
    assert_refused(duplicate, "city-wide instrument with this name already exists")


def test_a_cut_score_certifies_a1_to_c2_once(dsd_listening):
    assert_refused(
        CutScore(instrument=dsd_listening, level=Level.BELOW_A1, min_score=1), "A1 to C2"
    )
    assert_refused(
        CutScore(instrument=dsd_listening, level=Level.B1, min_score=20), "already has a cut score"
    )


def test_a_cut_score_is_not_negative(dsd_listening):
    assert_refused(CutScore(instrument=dsd_listening, level=Level.C1, min_score=-1), "negative")


def test_a_result_has_a_known_level_and_no_negative_score(pupil_a1, rated_speaking):
    base = {
        "pupil": pupil_a1,
        "instrument": rated_speaking,
        "skill": Skill.SPOKEN_INTERACTION,
        "assessed_on": datetime.date(2025, 1, 1),
    }
    assert_refused(Result(level=7, **base), "not a valid choice")
    assert_refused(Result(level=Level.A1, score=Decimal(-1), **base), "negative")
    assert_refused(Result(level=Level.A1, **{**base, "skill": "singing"}), "not a valid choice")


def test_a_target_share_is_a_fraction(db):
    target = Target(
        name="T",
        required_skills=["listening"],
        share=Decimal("1.5"),
        deadline=datetime.date(2030, 7, 31),
    )
    assert_refused(target, "above 0 and at most 1")


def test_a_target_checks_its_lists(db):
    target = Target(
        name="T",
        required_skills=["listening", "singing"],
        tracks=["gymnasium"],
        year_levels=[9],
        sectors=["hbo"],
        share=Decimal("0.5"),
        deadline=datetime.date(2030, 7, 31),
    )
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert set(error.value.message_dict) == {"required_skills", "tracks", "year_levels", "sectors"}


def test_a_partner_name_is_unique_per_city_whatever_the_case(db):
    Partner.objects.create(name="Realschule Gronau", kind="school", city="Gronau")
    assert_refused(
        Partner(name="realschule gronau", kind="school", city="GRONAU"),
        "already has a partner with this name",
    )
    Partner(name="Realschule Gronau", kind="school", city="Ahaus").full_clean()


def test_a_partner_latitude_is_on_earth(db):
    assert_refused(Partner(name="P", kind="school", city="C", latitude=Decimal(95)), "latitude")


def test_an_exchange_cannot_end_before_it_starts(school_a):
    activity = ExchangeActivity(
        school=school_a,
        kind="visit",
        title="Bezoek",
        starts_on=datetime.date(2025, 5, 2),
        ends_on=datetime.date(2025, 5, 1),
    )
    assert_refused(activity, "cannot end before it starts")


def test_exchange_hours_are_not_negative(school_a):
    activity = ExchangeActivity(
        school=school_a,
        kind="visit",
        title="Bezoek",
        starts_on=datetime.date(2025, 5, 1),
        ends_on=datetime.date(2025, 5, 1),
        contact_hours=Decimal(-2),
    )
    assert_refused(activity, "cannot be negative")
