import datetime
import random

from django.utils import timezone

from core.cefr import Skill, Track
from schools import levels
from schools.models import Enrolment, Group, Pupil, Result, School, SchoolYear
from schools.services import instrument_create

YEAR_START = 2024
TRACKS = [Track.VMBO_BB, Track.VMBO_GT, Track.HAVO, Track.VWO]


def build_random_city(seed, *, pupils=60, schools=4):
    """A small city with the awkward cases: movers, same-day results, results after the date,
    pupils without results, primary pupils outside the population."""
    rng = random.Random(seed)
    years = [SchoolYear.objects.get_or_create(start_year=YEAR_START + i)[0] for i in range(2)]
    school_list = [
        School.objects.create(
            name=f"School {seed}-{i}",
            brin=f"{10 + i}{'ABCDEFGH'[seed % 8]}Z",
            sector="vo" if i else "po",
        )
        for i in range(schools)
    ]
    rated = {
        skill: instrument_create(name=f"Rated {seed}", skill=skill, kind="rated") for skill in Skill
    }
    # A second rating of the same skill: one result per test and date, two tests on one day.
    second = {
        skill: instrument_create(name=f"Rated again {seed}", skill=skill, kind="rated")
        for skill in Skill
    }
    groups = _make_groups(rng, school_list, years)
    created = _make_pupils(rng, seed, pupils, school_list, years, groups)
    Result.objects.bulk_create(_make_results(rng, created, rated, second))
    levels.refresh(pupil.pk for pupil in created)  # what every write path does
    return school_list


def _make_groups(rng, school_list, years):
    groups = {}
    for school in school_list:
        for year in years:
            for level in (2, 3, 4):
                track = Track.PO if school.sector == "po" else rng.choice(TRACKS)
                level_here = level + 4 if track == Track.PO else level
                groups[school.pk, year.pk, level] = Group.objects.create(
                    school=school,
                    school_year=year,
                    name=f"G{level}",
                    track=track,
                    year_level=level_here,
                )
    return groups


def _make_pupils(rng, seed, pupils, school_list, years, groups):
    """Pupils, some not enrolled in a year, some moving group (or school) on 1 February."""
    all_groups = list(groups.values())
    created = []
    for number in range(pupils):
        school = rng.choice(school_list)
        pupil = Pupil.objects.create(
            school=school, pupil_number=f"{seed}-{number}", given_name="P", family_name=str(number)
        )
        created.append(pupil)
        for year in years:
            if rng.random() < 0.15:
                continue  # not enrolled this year
            group = groups[school.pk, year.pk, rng.choice((2, 3, 4))]
            if rng.random() < 0.15:
                # moves to another group (maybe another school) on 1 February
                other = rng.choice(
                    [g for g in all_groups if g.school_year_id == year.pk and g != group]
                )
                Enrolment.objects.create(
                    pupil=pupil,
                    group=group,
                    starts_on=year.starts_on,
                    ends_on=datetime.date(year.start_year + 1, 1, 31),
                )
                Enrolment.objects.create(
                    pupil=pupil,
                    group=other,
                    starts_on=datetime.date(year.start_year + 1, 2, 1),
                    ends_on=year.ends_on,
                )
            else:
                Enrolment.objects.create(
                    pupil=pupil, group=group, starts_on=year.starts_on, ends_on=year.ends_on
                )
    return created


def _make_results(rng, created, rated, second):
    """Results on random days, some on the same day with a second test; some pupils none."""
    base = timezone.now()
    results, taken = [], set()

    def add(result):
        key = (result.pupil, result.instrument, result.assessed_on)
        if key not in taken:  # one result per pupil, test and date
            taken.add(key)
            results.append(result)

    for pupil in created:
        if rng.random() < 0.1:
            continue  # never assessed
        for _ in range(rng.randint(1, 12)):
            skill = rng.choice(list(Skill))
            day = datetime.date(YEAR_START, 9, 1) + datetime.timedelta(rng.randint(0, 700))
            add(
                Result(
                    pupil=pupil,
                    instrument=rated[skill],
                    skill=skill,
                    assessed_on=day,
                    level=rng.randint(0, 6),
                    entered_at=base + datetime.timedelta(seconds=rng.randint(0, 10)),
                )
            )
            if rng.random() < 0.2:  # a second result on the same day
                add(
                    Result(
                        pupil=pupil,
                        instrument=second[skill],
                        skill=skill,
                        assessed_on=day,
                        level=rng.randint(0, 6),
                        entered_at=base + datetime.timedelta(seconds=rng.randint(0, 10)),
                    )
                )
    return results
