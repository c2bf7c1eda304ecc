"""The demo city: fictional schools, pupils, results and exchanges for Enschede.

`build_demo_city` is deterministic: the same number of pupils, seed and date give the same
data. Everything is created with bulk inserts so that 30 000 pupils build in minutes.
"""

import bisect
import datetime
import math
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Membership, MunicipalityMember
from core import schoolyear
from core.cefr import MAX_YEAR_LEVEL, Level, Sector, Skill, Track
from exchanges.models import Bundesland, ExchangeActivity, Partner
from progress import data_version, targets
from progress.models import Target
from schools import levels
from schools.models import (
    CutScore,
    Enrolment,
    Group,
    Instrument,
    LevelPeriod,
    Pupil,
    Result,
    School,
    SchoolYear,
)
from schools.services import level_for_score

User = get_user_model()

DEMO_DOMAIN = "taalpad.example"
DEMO_PASSWORD = "duits-leren-2030"
BATCH = 5000
DEMO_CLASS_SIZE = 24
DEMO_FIRST_YEAR = 2016

SECONDARY_SCHOOLS = [
    ("Grensland College", [Track.VMBO_BB, Track.VMBO_KB, Track.VMBO_GT, Track.HAVO, Track.VWO]),
    ("Stedelijk Lyceum Het Ravelijn", [Track.HAVO, Track.VWO]),
    ("Twents Carmel Esch", [Track.VMBO_GT, Track.HAVO, Track.VWO]),
    ("Vakcollege Roombeek", [Track.VMBO_BB, Track.VMBO_KB]),
    ("Gymnasium Drienerlo", [Track.VWO]),
    ("Zuiderpark Mavo", [Track.VMBO_GT]),
    ("Scholengemeenschap Het Stroink", [Track.VMBO_BB, Track.VMBO_KB, Track.VMBO_GT, Track.HAVO]),
    ("Praktijkschool De Boekelo", [Track.PRO]),
    ("Bonhoeffer Lyceum Enschede", [Track.HAVO, Track.VWO]),
    ("Het Hulsbeek College", [Track.VMBO_KB, Track.VMBO_GT, Track.HAVO]),
    ("Technasium Twekkelo", [Track.VMBO_GT, Track.HAVO, Track.VWO]),
    ("Glanerbrug Vakschool", [Track.VMBO_BB, Track.VMBO_KB, Track.VMBO_GT]),
]
PRIMARY_SCHOOLS = [
    "Basisschool De Vlinderboom",
    "Basisschool Het Palet",
    "Kindcentrum De Wesselerbrink",
    "Basisschool De Grensstreek",
    "Montessorischool Twekkelerveld",
    "Basisschool Sint Jozef",
    "Kindcentrum Het Volkspark",
    "Daltonschool De Horst",
]
TRACK_WEIGHT = {
    Track.PRO: 1,
    Track.VMBO_BB: 2,
    Track.VMBO_KB: 2,
    Track.VMBO_GT: 3,
    Track.HAVO: 3,
    Track.VWO: 2,
    Track.PO: 1,
}
GROUP_PREFIX = {
    Track.PRO: "P",
    Track.VMBO_BB: "B",
    Track.VMBO_KB: "K",
    Track.VMBO_GT: "T",
    Track.HAVO: "H",
    Track.VWO: "V",
}
# Ability in level units (1.0 = A1 reached) at the start of year 1, and growth per year.
TRACK_ABILITY = {
    Track.PO: (-0.6, 0.3),
    Track.PRO: (0.2, 0.25),
    Track.VMBO_BB: (0.6, 0.35),
    Track.VMBO_KB: (0.7, 0.42),
    Track.VMBO_GT: (0.8, 0.52),
    Track.HAVO: (0.95, 0.6),
    Track.VWO: (1.05, 0.68),
}
SKILL_OFFSET = {
    Skill.LISTENING: 0.3,
    Skill.READING: 0.2,
    Skill.SPOKEN_INTERACTION: -0.05,
    Skill.SPOKEN_PRODUCTION: -0.2,
    Skill.WRITING: -0.45,
}
PRIMARY_SKILLS = [Skill.LISTENING, Skill.SPOKEN_INTERACTION, Skill.READING]
# German is taught from group 5 in the primary schools that take part.
PRIMARY_FIRST_YEAR = 5

GIVEN_NAMES = [
    "Daan",
    "Sem",
    "Lucas",
    "Levi",
    "Finn",
    "Milan",
    "Noah",
    "Luuk",
    "Bram",
    "Thijs",
    "Jesse",
    "Ruben",
    "Mohammed",
    "Yusuf",
    "Emre",
    "Stijn",
    "Gijs",
    "Jens",
    "Teun",
    "Mats",
    "Tim",
    "Hamza",
    "Ayoub",
    "Kerem",
    "Julian",
    "Lars",
    "Niels",
    "Wout",
    "Jurre",
    "Tygo",
    "Emma",
    "Julia",
    "Mila",
    "Tess",
    "Sophie",
    "Zoë",
    "Sara",
    "Anna",
    "Evi",
    "Lotte",
    "Noor",
    "Fleur",
    "Nina",
    "Lieke",
    "Anaïs",
    "Fenna",
    "Ilse",
    "Marit",
    "Yara",
    "Elif",
    "Aya",
    "Hiba",
    "Meryem",
    "Amira",
    "Lina",
    "Floor",
    "Isa",
    "Roos",
    "Britt",
    "Maud",
    "Chloë",
]
FAMILY_NAMES = [
    ("", "Jansen"),
    ("", "Bosch"),
    ("ter", "Horst"),
    ("", "Nijhuis"),
    ("", "Oude Lenferink"),
    ("", "Kampman"),
    ("van den", "Berg"),
    ("de", "Vries"),
    ("", "Wolters"),
    ("", "Hendriks"),
    ("", "Schuurman"),
    ("", "Brinkman"),
    ("", "Smit"),
    ("van der", "Veen"),
    ("", "Haverkate"),
    ("", "Yılmaz"),
    ("", "El Amrani"),
    ("", "Kaya"),
    ("", "Müller"),
    ("", "Schröder"),
    ("", "Bakker"),
    ("ten", "Brinke"),
    ("", "Leferink"),
    ("", "Meijer"),
    ("", "Dijkstra"),
    ("", "Nieuwenhuis"),
    ("op den", "Kamp"),
    ("", "Aydın"),
    ("", "Reinders"),
    ("", "Zwiers"),
    ("", "Lammers"),
    ("", "Boerrigter"),
    ("van", "Dijk"),
    ("", "Wiggers"),
    ("", "Pool"),
]
STAFF_NAMES = [
    "Marieke Oude Egberink",
    "Hans Pieper",
    "Anouk Stevens",
    "Gerrit Nijenhuis",
    "Sabine Kuhlmann",
    "Peter Vrielink",
    "Ingrid Tijhuis",
    "Kemal Demir",
    "Monique ter Huurne",
    "Frank Kleissen",
    "Annette Rietman",
    "Sven Oldenhof",
    "Judith Wessels",
    "Tom Lansink",
    "Birgit Overmeen",
]
PARTNERS = [
    ("Euregio-Gymnasium am Dinkel", Partner.Kind.SCHOOL, "Gronau (Westf.)", "NW", 52.21, 7.02),
    ("Realschule Gronau-Epe", Partner.Kind.SCHOOL, "Gronau (Westf.)", "NW", 52.21, 7.02),
    ("Grenzland Logistik GmbH", Partner.Kind.COMPANY, "Gronau (Westf.)", "NW", 52.21, 7.02),
    ("Alexander-Hegius-Schule", Partner.Kind.SCHOOL, "Ahaus", "NW", 52.08, 7.01),
    ("Berufskolleg Westmünsterland", Partner.Kind.SCHOOL, "Bocholt", "NW", 51.84, 6.62),
    ("Gesamtschule Münster-Mitte", Partner.Kind.SCHOOL, "Münster", "NW", 51.96, 7.63),
    ("Stadtwerke Münsterland AG", Partner.Kind.COMPANY, "Münster", "NW", 51.96, 7.63),
    ("Emsland-Realschule", Partner.Kind.SCHOOL, "Rheine", "NW", 52.28, 7.44),
    ("Vechtetal-Oberschule", Partner.Kind.SCHOOL, "Nordhorn", "NI", 52.43, 7.07),
    ("Textilmuseum Grafschaft", Partner.Kind.INSTITUTION, "Nordhorn", "NI", 52.43, 7.07),
    ("Burg-Gymnasium Bentheim", Partner.Kind.SCHOOL, "Bad Bentheim", "NI", 52.30, 7.16),
    ("Kurhaus Bentheim Hotelbetriebe", Partner.Kind.COMPANY, "Bad Bentheim", "NI", 52.30, 7.16),
    ("Ratsgymnasium Osnabrück-West", Partner.Kind.SCHOOL, "Osnabrück", "NI", 52.28, 8.05),
    ("Handwerkskammer Osnabrück-Emsland", Partner.Kind.INSTITUTION, "Osnabrück", "NI", 52.28, 8.05),
]
EXCHANGE_TITLES = {
    ExchangeActivity.Kind.VISIT: "Bezoek aan {partner}",
    ExchangeActivity.Kind.HOSTING: "Leerlingen van {partner} te gast",
    ExchangeActivity.Kind.PROJECT: "Online project met {partner}",
    ExchangeActivity.Kind.EXCURSION: "Excursie naar {city}",
    ExchangeActivity.Kind.PLACEMENT: "Snuffelstage bij {partner}",
    ExchangeActivity.Kind.CAMP: "Taalkamp in {city}",
}


@dataclass
class DemoLogins:
    rows: list = field(default_factory=list)

    def add(self, role, email):
        self.rows.append((role, email, DEMO_PASSWORD))


@dataclass
class DemoSummary:
    schools: int = 0
    pupils: int = 0
    enrolments: int = 0
    results: int = 0
    exchanges: int = 0
    seconds: float = 0.0
    logins: DemoLogins = field(default_factory=DemoLogins)


def demo_data_exists():
    return School.objects.exists() or Pupil.objects.exists() or Result.objects.exists()


def clear_demo_city():
    """Removes every school, pupil, result, exchange and demo account."""
    with data_version.bumped_once():
        _delete_demo_city()


def _delete_demo_city():
    LevelPeriod.objects.all().delete()
    # Every result goes in one statement (nothing refers to a result), then their history: a
    # delete through the ORM would first write a history row for each of them.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(Result._meta.db_table)}")
    Result.history.all().delete()
    ExchangeActivity.objects.all().delete()
    Partner.objects.all().delete()
    Enrolment.objects.all().delete()
    Group.objects.all().delete()
    Pupil.objects.all().delete()
    CutScore.objects.all().delete()
    Instrument.objects.all().delete()
    Membership.objects.all().delete()
    Target.objects.all().delete()
    SchoolYear.objects.all().delete()
    School.objects.all().delete()
    User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()


def _score_for(ability, instrument_max, cuts):
    """A score on a scored instrument that reflects a continuous ability.

    Anchors each cut score at its level, then interpolates; the level is derived from the
    score afterwards, so the stored pair always follows the instrument's own cut scores.
    """
    anchors = [(min(level for level, _m in cuts) - 1, Decimal(0))]
    anchors += sorted(cuts)
    anchors.append((max(level for level, _m in cuts) + 1, instrument_max))
    xs = [float(level) for level, _m in anchors]
    if ability <= xs[0]:
        return Decimal(0)
    if ability >= xs[-1]:
        return instrument_max
    i = bisect.bisect_right(xs, ability) - 1
    (x0, y0), (x1, y1) = anchors[i], anchors[i + 1]
    value = float(y0) + (float(y1) - float(y0)) * (ability - x0) / (float(x1) - x0)
    return min(Decimal(round(value)), instrument_max)


class _CityBuilder:
    def __init__(self, *, pupils, seed, today, stdout=None):
        self.total_pupils = pupils
        self.rng = random.Random(seed)
        self.today = today
        self.stdout = stdout
        self.current_start = SchoolYear.start_year_of(today)
        # From 2016-2017 on, so that the LEA 2020 target shows what was reached on its
        # deadline (31 July 2020) and a 2030 target the road ahead.
        first = min(DEMO_FIRST_YEAR, self.current_start - 2)
        self.year_starts = list(range(first, self.current_start + 1))
        self.password = make_password(DEMO_PASSWORD, salt="taalpaddemo")
        self.summary = DemoSummary()

    def log(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    # People -----------------------------------------------------------------------------

    def _user(self, email, name, **extra):
        return User(email=email, name=name, password=self.password, **extra)

    def build_staff(self):
        logins = self.summary.logins
        admin = self._user(f"admin@{DEMO_DOMAIN}", "Beheerder", is_staff=True, is_superuser=True)
        municipality = self._user(f"gemeente@{DEMO_DOMAIN}", "Petra Haarhuis")
        analyst = self._user(f"analist@{DEMO_DOMAIN}", "Jeroen Vos")
        User.objects.bulk_create([admin, municipality, analyst])
        MunicipalityMember.objects.bulk_create(
            [
                MunicipalityMember(user=municipality, title="Beleidsmedewerker onderwijs"),
                MunicipalityMember(user=analyst, title="Data-analist"),
            ]
        )
        self.staff = {}
        users, memberships = [], []
        name_pool = list(STAFF_NAMES)
        for index, school in enumerate(self.schools):
            slug = school.brin.lower()
            coordinator_email = (
                f"coordinator@{DEMO_DOMAIN}" if index == 0 else f"coordinator.{slug}@{DEMO_DOMAIN}"
            )
            coordinator = self._user(coordinator_email, self.rng.choice(name_pool))
            teacher_count = 1 if school.sector == Sector.PRIMARY else self.rng.randint(2, 4)
            teachers = []
            for number in range(1, teacher_count + 1):
                email = (
                    f"docent@{DEMO_DOMAIN}"
                    if index == 0 and number == 1
                    else f"docent{number}.{slug}@{DEMO_DOMAIN}"
                )
                teachers.append(self._user(email, self.rng.choice(name_pool)))
            users += [coordinator, *teachers]
            self.staff[school.pk] = (coordinator, teachers)
        User.objects.bulk_create(users)
        for school in self.schools:
            coordinator, teachers = self.staff[school.pk]
            memberships.append(
                Membership(user=coordinator, school=school, role=Membership.Role.COORDINATOR)
            )
            memberships += [
                Membership(user=t, school=school, role=Membership.Role.TEACHER) for t in teachers
            ]
        Membership.objects.bulk_create(memberships)
        logins.add("municipality", municipality.email)
        logins.add("coordinator", f"coordinator@{DEMO_DOMAIN}")
        logins.add("teacher", f"docent@{DEMO_DOMAIN}")
        logins.add("admin", admin.email)

    # Schools ----------------------------------------------------------------------------

    def build_schools(self):
        brins = set()
        while len(brins) < len(SECONDARY_SCHOOLS) + len(PRIMARY_SCHOOLS):
            letters = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTVWXZ") for _ in range(2))
            brins.add(f"{self.rng.randint(10, 99)}{letters}")
        brins = sorted(brins)
        self.rng.shuffle(brins)
        schools = []
        self.tracks_of = {}
        for (name, tracks), brin in zip(SECONDARY_SCHOOLS, brins, strict=False):
            schools.append(School(name=name, brin=brin, sector=Sector.SECONDARY))
            self.tracks_of[brin] = tracks
        for name, brin in zip(PRIMARY_SCHOOLS, brins[len(SECONDARY_SCHOOLS) :], strict=False):
            schools.append(School(name=name, brin=brin, sector=Sector.PRIMARY))
            self.tracks_of[brin] = [Track.PO]
        School.objects.bulk_create(schools)
        self.schools = list(School.objects.order_by("pk"))
        self.tracks_of = {s.pk: self.tracks_of[s.brin] for s in self.schools}
        self.school_years = SchoolYear.objects.bulk_create(
            SchoolYear(start_year=year) for year in self.year_starts
        )
        self.summary.schools = len(self.schools)

    def build_instruments(self):
        self.instruments = {}
        dsd_parts = {
            Skill.LISTENING: ("DSD I Hörverstehen", 14),
            Skill.READING: ("DSD I Leseverstehen", 14),
            Skill.SPOKEN_INTERACTION: ("DSD I Mündliche Kommunikation (Gespräch)", 12),
            Skill.SPOKEN_PRODUCTION: ("DSD I Mündliche Kommunikation (Präsentation)", 12),
            Skill.WRITING: ("DSD I Schriftliche Kommunikation", 12),
        }
        goethe = {
            Skill.LISTENING: "Goethe-Zertifikat B1 Hören",
            Skill.READING: "Goethe-Zertifikat B1 Lesen",
            Skill.SPOKEN_INTERACTION: "Goethe-Zertifikat B1 Sprechen (Gespräch)",
            Skill.SPOKEN_PRODUCTION: "Goethe-Zertifikat B1 Sprechen (Präsentation)",
            Skill.WRITING: "Goethe-Zertifikat B1 Schreiben",
        }
        specs = []
        for skill in Skill:
            name, b1 = dsd_parts[skill]
            specs.append(("dsd", skill, name, Decimal(24), [(Level.A2, 8), (Level.B1, b1)]))
            specs.append(("goethe", skill, goethe[skill], Decimal(100), [(Level.B1, 60)]))
            specs.append(("rated", skill, "Docentoordeel ERK", None, []))
        instruments = [
            Instrument(
                name=name,
                skill=skill,
                kind=Instrument.Kind.SCORED if max_score else Instrument.Kind.RATED,
                max_score=max_score,
            )
            for _key, skill, name, max_score, _cuts in specs
        ]
        Instrument.objects.bulk_create(instruments)
        cut_rows = []
        for instrument, (key, skill, _name, _max, cuts) in zip(instruments, specs, strict=True):
            cuts = [(Level(level), Decimal(minimum)) for level, minimum in cuts]
            self.instruments[key, skill] = (instrument, cuts)
            cut_rows += [CutScore(instrument=instrument, level=lv, min_score=m) for lv, m in cuts]
        # One school's own test, to show that schools can add instruments of their own.
        own = Instrument.objects.create(
            name="Schooltoets Duits luisteren",
            skill=Skill.LISTENING,
            kind=Instrument.Kind.SCORED,
            max_score=Decimal(40),
            school=self.schools[0],
        )
        cut_rows += [
            CutScore(instrument=own, level=Level.A1, min_score=10),
            CutScore(instrument=own, level=Level.A2, min_score=20),
            CutScore(instrument=own, level=Level.B1, min_score=30),
        ]
        CutScore.objects.bulk_create(cut_rows)

    # Pupils and groups ------------------------------------------------------------------

    def _pupil_plans(self):
        """For each pupil: the (school, track, year level) of each demo school year."""
        rng = self.rng
        secondary = [s for s in self.schools if s.sector == Sector.SECONDARY]
        primary = [s for s in self.schools if s.sector == Sector.PRIMARY]
        sizes = {s.pk: rng.uniform(0.6, 1.6) for s in self.schools}
        plans = []
        for index in range(self.total_pupils):
            if index < DEMO_CLASS_SIZE:
                # The demo teacher's class: havo 3 at the first school this school year.
                pool, school, track = secondary, secondary[0], Track.HAVO
                first, last = 1, MAX_YEAR_LEVEL[track]
                level_in_first_year = 3 - (len(self.year_starts) - 1)
            else:
                pool = primary if rng.random() < 0.2 else secondary
                school = rng.choices(pool, weights=[sizes[s.pk] for s in pool])[0]
                tracks = self.tracks_of[school.pk]
                track = rng.choices(tracks, weights=[TRACK_WEIGHT[t] for t in tracks])[0]
                first, last = (
                    (PRIMARY_FIRST_YEAR, 8) if track == Track.PO else (1, MAX_YEAR_LEVEL[track])
                )
                # Pupils of every cohort: some in school in the first demo year, some
                # arriving in year 1 (or groep 3) in each later one.
                level_in_first_year = rng.randint(first - len(self.year_starts) + 1, last)
            years, moved = [], None
            for offset, start_year in enumerate(self.year_starts):
                level = level_in_first_year + offset
                if not first <= level <= last:
                    continue
                if years and moved is None and index >= DEMO_CLASS_SIZE and rng.random() < 0.03:
                    others = [s for s in pool if track in self.tracks_of[s.pk] and s != school]
                    if others:
                        moved = start_year
                        previous = school
                        school = rng.choice(others)
                        if rng.random() < 0.3:
                            # Some change school in the middle of the year.
                            years.append((previous, track, level, start_year, "until_feb"))
                            years.append((school, track, level, start_year, "from_feb"))
                            continue
                years.append((school, track, level, start_year, "whole"))
            if years:
                plans.append(years)
        return plans

    def build_pupils_and_groups(self):
        plans = self._pupil_plans()
        self._build_groups(plans)
        self._assign_teachers()
        pupils = self._build_pupils(plans)
        self._build_enrolments(pupils, plans)

    def _build_groups(self, plans):
        """Split each (school, year, track, level) cell into classes of at most 28."""
        year_by_start = {y.start_year: y for y in self.school_years}
        cells = {}
        for pupil_index, years in enumerate(plans):
            for school, track, level, start_year, _part in years:
                cells.setdefault((school.pk, start_year, track, level), []).append(pupil_index)
        groups = []
        self.group_of = {}
        for (school_id, start_year, track, level), members in sorted(cells.items()):
            count = max(1, math.ceil(len(members) / 28))
            cell_groups = [
                Group(
                    school_id=school_id,
                    school_year=year_by_start[start_year],
                    name=_group_name(track, level, number),
                    year_level=level,
                    track=track,
                )
                for number in range(count)
            ]
            groups += cell_groups
            for position, pupil_index in enumerate(members):
                key = (pupil_index, start_year, school_id)
                self.group_of[key] = cell_groups[position % count]
        Group.objects.bulk_create(groups, batch_size=BATCH)
        self.groups = groups

    def _build_pupils(self, plans):
        rng = self.rng
        pupils, numbers = [], {s.pk: 0 for s in self.schools}
        for years in plans:
            school = years[-1][0]
            numbers[school.pk] += 1
            given = rng.choice(GIVEN_NAMES)
            prefix, family = rng.choice(FAMILY_NAMES)
            pupils.append(
                Pupil(
                    school=school,
                    pupil_number=f"{self.schools.index(school) + 1:02d}{numbers[school.pk]:05d}",
                    given_name=given,
                    family_name_prefix=prefix,
                    family_name=family,
                )
            )
        Pupil.objects.bulk_create(pupils, batch_size=BATCH)
        self.summary.pupils = len(pupils)
        return pupils

    def _build_enrolments(self, pupils, plans):
        enrolments, self.timeline = [], []
        for pupil_index, (pupil, years) in enumerate(zip(pupils, plans, strict=True)):
            periods = []
            for school, track, level, start_year, part in years:
                group = self.group_of[pupil_index, start_year, school.pk]
                starts_on = schoolyear.first_day(start_year)
                ends_on = schoolyear.last_day(start_year)
                if part == "until_feb":
                    ends_on = datetime.date(start_year + 1, 1, 31)
                elif part == "from_feb":
                    starts_on = datetime.date(start_year + 1, 2, 1)
                enrolments.append(
                    Enrolment(pupil=pupil, group=group, starts_on=starts_on, ends_on=ends_on)
                )
                periods.append((starts_on, ends_on, group, track, level))
            self.timeline.append((pupil, periods))
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        self.summary.enrolments = len(enrolments)

    def _assign_teachers(self):
        through = Group.teachers.through
        links = []
        self.teacher_of_group = {}
        counters = {}
        for group in self.groups:
            coordinator, teachers = self.staff[group.school_id]
            # The demo teacher (first teacher of the first school) teaches havo and vwo groups.
            index = counters.get(group.school_id, 0)
            counters[group.school_id] = index + 1
            teacher = teachers[index % len(teachers)]
            if group.school_id == self.schools[0].pk and group.track in (Track.HAVO, Track.VWO):
                teacher = teachers[0]
            elif group.school_id == self.schools[0].pk and len(teachers) > 1:
                teacher = teachers[1 + index % (len(teachers) - 1)]
            self.teacher_of_group[group.pk] = teacher
            links.append(through(group_id=group.pk, user_id=teacher.pk))
        through.objects.bulk_create(links, batch_size=BATCH)

    def build_pupil_accounts(self):
        """Accounts for the pupils of one of the demo teacher's current groups."""
        demo_teacher = self.staff[self.schools[0].pk][1][0]
        current = self.school_years[-1]
        group = next(
            g
            for g in sorted(self.groups, key=lambda g: (g.year_level, g.name))
            if g.school_year_id == current.pk
            and self.teacher_of_group[g.pk] == demo_teacher
            and g.track == Track.HAVO
            and g.year_level == 3
        )
        pupils = list(
            Pupil.objects.filter(enrolments__group=group).order_by("pupil_number").distinct()
        )
        users = []
        for index, pupil in enumerate(pupils):
            email = (
                f"leerling@{DEMO_DOMAIN}"
                if index == 0
                else f"leerling.{pupil.pupil_number}@{DEMO_DOMAIN}"
            )
            users.append(self._user(email, pupil.full_name))
        User.objects.bulk_create(users)
        for pupil, user in zip(pupils, users, strict=True):
            pupil.user = user
            pupil.email = user.email
        Pupil.objects.bulk_update(pupils, ["user", "email"])
        self.summary.logins.rows.insert(3, ("pupil", users[0].email, DEMO_PASSWORD))

    # Results ----------------------------------------------------------------------------

    def _moments(self, start_year):
        """The assessment windows of a school year, (0, late autumn) and (1, late spring); only the
        spring one in the years before the previous one, which keeps the demo quick to build
        (their figures are read on 31 July, after it)."""
        autumn = datetime.date(start_year, 11, 10) + datetime.timedelta(self.rng.randint(0, 25))
        spring = datetime.date(start_year + 1, 5, 12) + datetime.timedelta(self.rng.randint(0, 30))
        if start_year < self.current_start - 1:
            return ((1, spring),)
        return (0, autumn), (1, spring)

    def build_results(self):
        rng = self.rng
        tz = timezone.get_default_timezone()
        pending, created = [], 0
        for pupil, periods in self.timeline:
            talent = rng.gauss(0, 0.55)
            skill_talent = {skill: rng.gauss(0, 0.2) for skill in Skill}
            for starts_on, ends_on, group, track, level in periods:
                start_year = SchoolYear.start_year_of(starts_on)
                base, growth = TRACK_ABILITY[track]
                first_year = PRIMARY_FIRST_YEAR if track == Track.PO else 1
                # A small city-wide improvement each year, so the trend has a direction.
                cohort = 0.04 * (start_year - self.year_starts[0])
                for moment_index, day in self._moments(start_year):
                    if not starts_on <= day <= ends_on or day > self.today:
                        continue
                    progress = (level - first_year) + (0.3 if moment_index == 0 else 0.8)
                    skills = PRIMARY_SKILLS if track == Track.PO else list(Skill)
                    for skill in skills:
                        if rng.random() > (0.9 if skill != Skill.WRITING else 0.75):
                            continue
                        ability = (
                            base
                            + growth * progress
                            + talent
                            + skill_talent[skill]
                            + SKILL_OFFSET[skill]
                            + cohort
                            + rng.gauss(0, 0.25)
                        )
                        key = self._instrument_key(track, level, moment_index)
                        instrument, cuts = self.instruments[key, skill]
                        if instrument.is_scored:
                            score = _score_for(ability, instrument.max_score, cuts)
                            result_level = level_for_score(score, cuts)
                        else:
                            score = None
                            result_level = Level(min(max(math.floor(ability), 0), Level.C2))
                        entered_at = datetime.datetime.combine(
                            day, datetime.time(15, rng.randint(0, 59), rng.randint(0, 59)), tz
                        )
                        pending.append(
                            Result(
                                pupil=pupil,
                                instrument=instrument,
                                skill=skill,
                                assessed_on=day,
                                score=score,
                                level=result_level,
                                entered_by=self.teacher_of_group[group.pk],
                                entered_at=entered_at,
                            )
                        )
                if len(pending) >= BATCH:
                    Result.objects.bulk_create(pending, batch_size=BATCH)
                    created += len(pending)
                    pending = []
        Result.objects.bulk_create(pending, batch_size=BATCH)
        self.summary.results = created + len(pending)

    @staticmethod
    def _instrument_key(track, level, moment_index):
        if moment_index == 0 or track in (Track.PO, Track.PRO) or level < 2:
            return "rated"
        if track in (Track.HAVO, Track.VWO) and level >= 4:
            return "goethe"
        return "dsd"

    # Exchanges and targets --------------------------------------------------------------

    def build_exchanges(self):
        rng = self.rng
        partners = [
            Partner(
                name=name,
                kind=kind,
                city=city,
                bundesland=Bundesland(land),
                country="DE",
                latitude=Decimal(str(lat)),
                longitude=Decimal(str(lon)),
            )
            for name, kind, city, land, lat, lon in PARTNERS
        ]
        Partner.objects.bulk_create(partners)
        members_of = {}
        for pupil, periods in self.timeline:
            for starts_on, ends_on, group, _track, _level in periods:
                members_of.setdefault(group.pk, []).append((pupil.pk, starts_on, ends_on))
        activities, partner_links, participant_links, organiser_links = [], [], [], []
        for school in self.schools:
            if school.sector != Sector.SECONDARY:
                continue
            _coordinator, teachers = self.staff[school.pk]
            for school_year in self.school_years:
                candidates = [
                    g
                    for g in self.groups
                    if g.school_id == school.pk
                    and g.school_year_id == school_year.pk
                    and 2 <= g.year_level <= 4
                ]
                for _ in range(rng.randint(1, 3)):
                    if not candidates:
                        break
                    kind = rng.choice(list(ExchangeActivity.Kind))
                    partner = rng.choice(partners)
                    starts_on = datetime.date(school_year.start_year, 9, 15) + datetime.timedelta(
                        rng.randint(0, 250)
                    )
                    if starts_on > self.today:
                        continue
                    days = 0 if kind in ("project", "excursion") else rng.randint(1, 4)
                    group = rng.choice(candidates)
                    activity = ExchangeActivity(
                        school=school,
                        kind=kind,
                        title=EXCHANGE_TITLES[kind].format(partner=partner.name, city=partner.city),
                        starts_on=starts_on,
                        ends_on=starts_on + datetime.timedelta(days),
                        contact_hours=Decimal(rng.choice([3, 4, 6, 8, 12, 16, 24])),
                        extra_participants=rng.choice([0, 0, 0, 2, 5]),
                    )
                    activities.append(activity)
                    partner_links.append((activity, partner))
                    organiser_links.append((activity, rng.choice(teachers)))
                    participant_links.append(
                        (
                            activity,
                            [p for p, s, e in members_of.get(group.pk, []) if s <= starts_on <= e],
                        )
                    )
        ExchangeActivity.objects.bulk_create(activities)
        ExchangeActivity.partners.through.objects.bulk_create(
            ExchangeActivity.partners.through(exchangeactivity_id=a.pk, partner_id=p.pk)
            for a, p in partner_links
        )
        ExchangeActivity.organisers.through.objects.bulk_create(
            ExchangeActivity.organisers.through(exchangeactivity_id=a.pk, user_id=u.pk)
            for a, u in organiser_links
        )
        ExchangeActivity.participants.through.objects.bulk_create(
            (
                ExchangeActivity.participants.through(exchangeactivity_id=a.pk, pupil_id=pupil_id)
                for a, pupil_ids in participant_links
                for pupil_id in pupil_ids
            ),
            batch_size=BATCH,
        )
        self.summary.exchanges = len(activities)

    def build_targets(self):
        secondary_tracks = [
            Track.PRO,
            Track.VMBO_BB,
            Track.VMBO_KB,
            Track.VMBO_GT,
            Track.HAVO,
            Track.VWO,
        ]
        common = {
            "threshold": Level.B1,
            "required_skills": [
                Skill.LISTENING.value,
                Skill.SPOKEN_INTERACTION.value,
                Skill.SPOKEN_PRODUCTION.value,
            ],
            "sectors": [Sector.SECONDARY.value],
            "tracks": [t.value for t in secondary_tracks],
            "year_levels": [3, 4, 5, 6],
            "share": Decimal("0.500"),
        }
        Target.objects.bulk_create(
            [
                Target(
                    name="LEA 2020: Duits voor werk over de grens",
                    description=(
                        "Lokale Educatieve Agenda Enschede: in 2020 spreekt een substantieel "
                        "deel van de leerlingen voldoende Duits om in Duitsland te werken."
                    ),
                    deadline=datetime.date(2020, 7, 31),
                    **common,
                ),
                Target(
                    name="LEA 2030: Duits voor werk over de grens",
                    description="Het LEA-doel, opnieuw gesteld voor 2030.",
                    deadline=datetime.date(2030, 7, 31),
                    baseline_on=datetime.date(self.year_starts[0] + 1, 7, 31),
                    **common,
                ),
            ]
        )
        targets.forget_targets()  # a bulk create sends no model signals

    def build(self):
        started = time.perf_counter()
        self.build_schools()
        self.log(f"  {len(self.schools)} schools, {len(self.school_years)} school years")
        self.build_staff()
        self.build_instruments()
        self.build_pupils_and_groups()
        self.log(f"  {self.summary.pupils} pupils, {len(self.groups)} groups")
        self.build_pupil_accounts()
        self.build_results()
        levels.rebuild()  # one statement for the whole city instead of a refresh per batch
        self.log(f"  {self.summary.results} results")
        self.build_exchanges()
        self.build_targets()
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses one row per table after a bulk load
            # (seed_demo vacuums as well once the transaction is committed).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.summary.seconds = time.perf_counter() - started
        return self.summary


def build_demo_city(*, pupils=6000, seed=2020, today=None, stdout=None):
    """Builds the demo city in one transaction and returns a summary with the logins."""
    today = today or datetime.date.today()
    with transaction.atomic():
        return _CityBuilder(pupils=pupils, seed=seed, today=today, stdout=stdout).build()


def _group_name(track, level, number):
    """'H3A', 'Groep 7B'; after Z come A2, B2, … for the very large cities of the benchmark."""
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[number % 26] + (
        str(number // 26 + 1) if number >= 26 else ""
    )
    if track == Track.PO:
        return f"Groep {level}{letter}"
    return f"{GROUP_PREFIX[track]}{level}{letter}"
