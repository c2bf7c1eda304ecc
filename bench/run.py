#!/usr/bin/env python
"""Benchmark: TaalPad's progress layer, pages and writes next to their floors.

    # a city on SQLite
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 SECRET_KEY=x .venv/bin/python bench/run.py --build
    # a city, then a country, on PostgreSQL
    createdb -h 127.0.0.1 -U postgres taalpad_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taalpad_bench SECRET_KEY=x \\
        .venv/bin/python bench/run.py --build --pupils 30000

`--build` (re)builds the demo city of that size first. Every measurement is printed with its
median, min–max and runs, and the ratio to its floor measured in the same run; the targets of
the performance work follow, each with what was measured. Outside the test suite: figures, not
assertions. The run writes (grid saves, imports) to the database it is given, and ends with
the level table's consistency check.
"""

import argparse
import datetime
import os
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taalpad.settings")
# The run speaks plain HTTP to itself (in-process and over loopback), as bench/load.py does:
# without these every page would answer with a redirect to HTTPS, and be timed as one.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")

FORM_ENCODED = "application/x-www-form-urlencoded"


from load import production_cache  # noqa: E402 - bench/load.py, beside this file

production_cache()


def checked_client():
    """A test client whose every GET must answer 200: a timing of a redirect or an error page
    would be a figure about something else."""
    from django.test import Client

    class CheckedClient(Client):
        def get(self, path, *args, **kwargs):
            response = super().get(path, *args, **kwargs)
            assert response.status_code == 200, (path, response.status_code)
            return response

    return CheckedClient


def timed(function, runs, before=None):
    times = []
    for run in range(runs):
        if before:
            before(run)
        started = time.perf_counter()
        function(run)
        times.append((time.perf_counter() - started) * 1000)
    return times


class Table:
    def __init__(self):
        self.rows = []  # (name, times or None, floor name, unit)
        self.medians = {}

    def add(self, name, times, floor=None):
        self.rows.append((name, times, floor))
        self.medians[name] = statistics.median(times)
        print(f"  measured: {name}", file=sys.stderr)

    def add_rate(self, name, per_second, floor=None):
        self.rows.append((name, None, floor))
        self.medians[name] = per_second

    def print(self):
        print(f"{'measurement':52} {'median':>9} {'min–max':>19} {'runs':>5} {'× floor':>8}")
        for name, times, floor in self.rows:
            ratio = f"{self.medians[name] / self.medians[floor]:.2f}" if floor else ""
            if times is None:
                value = f"{self.medians[name]:7.0f}/s"
                print(f"{name:52} {value:>9} {'':>19} {'':>5} {ratio:>8}")
                continue
            spread = f"{min(times):8.1f}–{max(times):8.1f}"
            print(f"{name:52} {self.medians[name]:7.1f}ms {spread:>19} {len(times):5d} {ratio:>8}")


def floor_queries(target, days):
    """Hand-written SQL for the schools' figures (population, assessed, met): over the results
    with a window function, and over a table of each pupil's levels on the day (one row per
    pupil, a column per skill: the level table's shape), made for the run for each of `days`."""
    from django.db import connection

    from progress.targets import _date_param, _filters
    from schools.levels import SKILL_COLUMNS

    skills = list(target.required_skills)
    marks = ", ".join(["%s"] * len(skills))
    date = _date_param(connection.vendor)
    where, filter_params = _filters(target, None)
    pop = f"""
        pop AS (
            SELECT e.pupil_id, g.school_id FROM schools_enrolment e
            JOIN schools_group g ON g.id = e.group_id
            JOIN schools_school s ON s.id = g.school_id
            WHERE e.starts_on <= {date} AND e.ends_on >= {date}{where})"""
    totals = """
        SELECT school_id, COUNT(*), SUM(assessed), SUM(met) FROM per_pupil GROUP BY school_id"""
    over_results = f"""
        WITH {pop},
        latest AS (
            SELECT r.pupil_id, r.level, ROW_NUMBER() OVER (
                PARTITION BY r.pupil_id, r.skill
                ORDER BY r.assessed_on DESC, r.entered_at DESC, r.id DESC) AS rank
            FROM schools_result r JOIN pop ON pop.pupil_id = r.pupil_id
            WHERE r.assessed_on <= {date} AND r.skill IN ({marks})),
        per_pupil AS (
            SELECT pop.school_id, pop.pupil_id,
                   CASE WHEN COUNT(latest.level) = %s THEN 1 ELSE 0 END AS assessed,
                   CASE WHEN SUM(CASE WHEN latest.level >= %s THEN 1 ELSE 0 END) = %s
                        THEN 1 ELSE 0 END AS met
            FROM pop LEFT JOIN latest ON latest.pupil_id = pop.pupil_id AND latest.rank = 1
            GROUP BY pop.school_id, pop.pupil_id)
        {totals}"""
    columns = [SKILL_COLUMNS[SKILL_COLUMNS.index(skill)] for skill in skills]
    assessed = " AND ".join(f"c.{column} IS NOT NULL" for column in columns)
    met = " AND ".join(f"c.{column} >= %s" for column in columns)

    def over_levels(table):
        return f"""
        WITH {pop},
        per_pupil AS (
            SELECT pop.school_id, pop.pupil_id,
                   CASE WHEN {assessed} THEN 1 ELSE 0 END AS assessed,
                   CASE WHEN {met} THEN 1 ELSE 0 END AS met
            FROM pop LEFT JOIN {table} c ON c.pupil_id = pop.pupil_id)
        {totals}"""

    tables = {}
    with connection.cursor() as cursor:
        for n, day in enumerate(days):
            tables[day] = f"bench_levels_{n}"
            cursor.execute(f"DROP TABLE IF EXISTS {tables[day]}")
            cursor.execute(
                f"CREATE TABLE {tables[day]} AS SELECT pupil_id, {', '.join(SKILL_COLUMNS)} "
                "FROM schools_levelperiod WHERE valid_from <= %s AND valid_to > %s",
                [day.isoformat(), day.isoformat()],
            )
            cursor.execute(
                f"CREATE INDEX {tables[day]}_idx ON {tables[day]} "
                f"(pupil_id, {', '.join(SKILL_COLUMNS)})"
            )
        cursor.execute("ANALYZE")

    def run(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    k, threshold = len(skills), target.threshold

    def from_results(day):
        text = day.isoformat()
        return run(over_results, [text, text, *filter_params, text, *skills, k, threshold, k])

    def from_levels(day):
        text = day.isoformat()
        return run(over_levels(tables[day]), [text, text, *filter_params, *[threshold] * k])

    return from_results, from_levels


def bench_group(teacher, school_year, size=30):
    """A group of exactly `size` pupils taught by `teacher`, made once in the bench database."""
    from schools.models import Enrolment, Group, Pupil

    school = teacher.memberships.first().school
    group, created = Group.objects.get_or_create(
        school=school,
        school_year=school_year,
        name="BENCH30",
        defaults={"track": "havo", "year_level": 3},
    )
    if created:
        group.teachers.add(teacher)
        pupils = Pupil.objects.bulk_create(
            Pupil(school=school, pupil_number=f"B{n:05d}", given_name="Bench", family_name=str(n))
            for n in range(size)
        )
        Enrolment.objects.bulk_create(
            Enrolment(
                pupil=p, group=group, starts_on=school_year.starts_on, ends_on=school_year.ends_on
            )
            for p in pupils
        )
    return group


IMPORT_SIZES = (10_000, 50_000)  # a large school's file, and the upload limit


def import_file(school, rows, first_day):
    """A results file of `rows` rows for the pupils of `school`: rated instruments, on as many
    school days as the rows need, counted back from `first_day` days before today, each day
    one on which all those pupils were enrolled at the school. Returns (content, rows, days)."""
    from schools.models import Enrolment, Instrument

    today = datetime.date.today()
    instruments = list(Instrument.objects.filter(kind="rated", school__isnull=True)[:5])
    periods = {}
    for number, starts, ends in Enrolment.objects.filter(
        group__school=school, pupil__school=school
    ).values_list("pupil__pupil_number", "starts_on", "ends_on"):
        periods.setdefault(number, []).append((starts, ends))
    numbers = [n for n, spans in periods.items() if any(s <= today <= e for s, e in spans)]
    count = -(-rows // (len(numbers) * len(instruments))) + 1  # one more for late joiners
    days = [today - datetime.timedelta(days=first_day + i) for i in range(count)]
    numbers = [n for n in numbers if all(any(s <= d <= e for s, e in periods[n]) for d in days)]
    assert len(numbers) * len(instruments) * count >= rows, "too few pupils for the file"
    lines = ["leerlingnummer,toets,vaardigheid,datum,niveau"]
    for day in days:
        for number in numbers:
            for instrument in instruments:
                lines.append(f"{number},{instrument.name},{instrument.skill},{day.isoformat()},B1")
    lines = lines[: rows + 1]
    return "\n".join(lines).encode(), len(lines) - 1, days


def throughput(base, path, cookie, seconds, clients=8):
    """Requests per second that `clients` keep-alive-less loopback clients get for `path`."""
    done, errors, stop = [0], [0], time.perf_counter() + seconds

    def client():
        while time.perf_counter() < stop:
            request = urllib.request.Request(base + path, headers={"Cookie": cookie})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    done[0] += 1
            except OSError:
                errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors[0]:
        print(f"  {path}: {errors[0]} errors", file=sys.stderr)
    return done[0] / elapsed


def postgresql_settings(pairs):
    """NAME=VALUE settings applied to every connection the run opens, as `ALTER ROLE … SET`
    gives every app server's sessions."""
    if not pairs:
        return
    from django.db.backends.signals import connection_created

    def apply_settings(sender, connection, **kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for pair in pairs:
                    name, value = pair.split("=", 1)
                    cursor.execute("SELECT set_config(%s, %s, false)", [name, value])

    connection_created.connect(apply_settings)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--build", action="store_true")
    parser.add_argument(
        "--import-rows", type=int, nargs=2, default=IMPORT_SIZES, help="the two file sizes"
    )
    parser.add_argument(
        "--seconds", type=float, default=8, help="turns of a second per throughput measurement"
    )
    parser.add_argument("--only-progress", action="store_true", help="skip pages and writes")
    parser.add_argument(
        "--pg",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL setting for this run's connections, e.g. work_mem=64MB",
    )
    args = parser.parse_args()

    import django

    django.setup()
    postgresql_settings(args.pg)
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    from progress import data_version
    from progress.targets import default_target
    from schools import levels
    from schools.models import Pupil, Result, SchoolYear
    from taalpad.models import User

    if args.build:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", "--pupils", str(args.pupils), "--reset", stdout=quiet)
        print(f"built {args.pupils} pupils in {time.perf_counter() - started:.1f} s")
    # As taalpad/wsgi.py does in every app server: what start-up loaded is kept out of the
    # garbage collector's full passes.
    import gc

    gc.collect()
    gc.freeze()
    if connection.vendor == "postgresql":
        # Earlier runs wrote tens of thousands of rows; autovacuum would have caught up with
        # them in a live system, so the run starts from fresh statistics and visibility maps.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    today = datetime.date.today()
    past = datetime.date(SchoolYear.start_year_of(today), 3, 1)
    target = default_target(today)
    print(
        f"{connection.vendor}: {Pupil.objects.count()} pupils, {Result.objects.count()} results, "
        f"target {target.name}; {args.runs} runs each; cache "
        f"{settings.CACHES['default']['BACKEND']}, sessions {settings.SESSION_ENGINE}"
        + (f"; PostgreSQL settings {', '.join(args.pg)}" if args.pg else "")
    )
    table = Table()
    runs = args.runs

    def cold(_run):
        cache.clear()

    measure_progress(table, target=target, today=today, past=past, runs=runs, cold=cold)
    if args.only_progress:
        table.print()
        print_progress_targets(table, connection.vendor)
        return

    # Pages -------------------------------------------------------------------------------------
    municipality = User.objects.get(email="gemeente@taalpad.example")
    teacher = User.objects.get(email="docent@taalpad.example")
    coordinator = User.objects.get(email="coordinator@taalpad.example")
    pupil_user = User.objects.get(email="leerling@taalpad.example")
    year = SchoolYear.objects.get(start_year=SchoolYear.start_year_of(today))
    trivial = "floor: signed-in trivial view"
    CheckedClient = checked_client()
    with override_settings(ALLOWED_HOSTS=["*"], TAALPAD_REQUIRE_2FA=False):
        city, staff, boss, own = (CheckedClient() for _ in range(4))
        city.force_login(municipality)
        staff.force_login(teacher)
        boss.force_login(coordinator)
        own.force_login(pupil_user)
        school = coordinator.memberships.first().school
        group = bench_group(teacher, year)
        pupil = Pupil.objects.filter(enrolments__group=group).first()
        table.add(trivial, timed(lambda r: own.get("/signed-in"), runs))
        city.get("/city/")  # charts into the cache
        table.add(
            "municipality dashboard, figures computed",
            timed(lambda r: city.get("/city/"), runs, cold),
            trivial,
        )

        def after_a_save_today(_run):
            data_version.bump(since=today)  # what a grid save anywhere in the city does

        with override_settings(TAALPAD_CITY_FIGURES_LAG=0):
            city.get("/city/")
            table.add(
                "municipality dashboard after a save today, no lag",
                timed(lambda r: city.get("/city/"), runs, after_a_save_today),
                trivial,
            )
        city.get("/city/")
        table.add(
            "municipality dashboard, figures and charts cached",
            timed(lambda r: city.get("/city/"), runs),
            trivial,
        )
        api = f"/api/v1/targets/{target.pk}/progress/"
        table.add("progress API, figures computed", timed(lambda r: city.get(api), runs, cold))
        table.add("progress API, cached", timed(lambda r: city.get(api), runs), trivial)
        page = f"/schools/{school.pk}/progress/"
        boss.get(page)
        table.add("school dashboard", timed(lambda r: boss.get(page), runs), trivial)
        table.add(
            "group page (30 pupils)",
            timed(lambda r: staff.get(f"/groups/{group.pk}/"), runs),
            trivial,
        )
        table.add(
            "pupil page (staff)", timed(lambda r: staff.get(f"/pupils/{pupil.pk}/"), runs), trivial
        )
        table.add("pupil's own page (Mijn Duits)", timed(lambda r: own.get("/me/"), runs), trivial)

        rows = measure_writes(
            table,
            runs=runs,
            today=today,
            group=group,
            staff=staff,
            boss=boss,
            school=school,
            coordinator=coordinator,
            import_rows=args.import_rows,
        )
        measure_charts(table, target=target, today=today, runs=runs, cold=cold)

    # Throughput under gunicorn -------------------------------------------------------------------
    from importlib import import_module

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806

    def session_cookie(user):
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return f"{settings.SESSION_COOKIE_NAME.replace('__Host-', '')}={store.session_key}"

    from load import start_gunicorn  # bench/load.py, beside this file

    server = start_gunicorn(8766, workers=2)
    base = "http://127.0.0.1:8766"
    try:
        own_cookie, city_cookie = session_cookie(pupil_user), session_cookie(municipality)
        throughput(base, "/me/", own_cookie, 1)  # warm both workers
        throughput(base, "/city/chart/trend.svg", city_cookie, 1)
        anonymous, signed_in = "anonymous trivial view under gunicorn", "signed-in trivial view"
        signed_in += " under gunicorn"
        measured = {
            anonymous: ("/livez", "", None),
            signed_in: ("/signed-in", own_cookie, anonymous),
            "pupil's own page under gunicorn": ("/me/", own_cookie, signed_in),
            "cached chart under gunicorn": ("/city/chart/trend.svg", city_cookie, signed_in),
        }
        # In turns of a second, so that a machine whose speed drifts within the minute (this
        # kind's does, by up to half) slows each page and its floor alike.
        rates = {name: [] for name in measured}
        for _turn in range(max(1, round(args.seconds))):
            for name, (path, cookie, _floor) in measured.items():
                rates[name].append(throughput(base, path, cookie, 1))
        for name, (_path, _cookie, floor) in measured.items():
            table.add_rate(name, statistics.median(rates[name]), floor)
    finally:
        server.terminate()

    from upload_memory import measure, report  # bench/upload_memory.py, beside this file

    upload = measure()
    table.print()
    report(upload)
    print_targets(table, connection.vendor, rows, upload)
    missing, extra, _pupils = levels.differences()
    print(f"level table after the run's writes: {missing} missing, {extra} extra spans")


def measure_progress(table, *, target, today, past, runs, cold):
    """The figures next to their floors: the progress layer on the municipality's reference
    dates (read back stored, and computed with nothing stored), from the cache, and the trend."""
    from django.core.cache import cache

    from progress.targets import figures_date, target_progress, target_trend

    # The municipality's figures are read on its reference dates: the floors use the same days.
    read_today, read_past = (figures_date(target, day, suppress=True) for day in (today, past))
    from_results, from_levels = floor_queries(target, [read_today, read_past])
    table.add("floor: SQL over the results, today", timed(lambda r: from_results(read_today), runs))
    table.add(
        "floor: SQL over the results, past date", timed(lambda r: from_results(read_past), runs)
    )
    floor_table = "floor: SQL over a table of today's levels"
    floor_past = "floor: SQL over a table of the past date's levels"
    table.add(floor_table, timed(lambda r: from_levels(read_today), runs))
    table.add(floor_past, timed(lambda r: from_levels(read_past), runs))
    table.add(
        "progress layer, today",
        timed(lambda r: target_progress(target=target, on=today), runs, cold),
        floor_table,
    )
    table.add(
        "progress layer, past date",
        timed(lambda r: target_progress(target=target, on=past), runs, cold),
        floor_past,
    )

    def nothing_stored(_run):
        """As after a pupil import or any enrolment change: no settled day is stored."""
        from progress import stored_years

        cache.clear()
        stored_years.forget()

    table.add(
        "progress layer, today, nothing stored",
        timed(lambda r: target_progress(target=target, on=today), runs, nothing_stored),
        floor_table,
    )
    table.add(
        "progress layer, today, from the figures cache",
        timed(lambda r: target_progress(target=target, on=today), runs),
        floor_table,
    )
    table.add(
        "trend, all school years",
        timed(lambda r: target_trend(target=target, today=today), runs, cold),
        floor_table,
    )
    table.add(
        "trend, from the figures cache",
        timed(lambda r: target_trend(target=target, today=today), runs),
    )


def delete_results(results):
    """The run's own results go again, outside every timing, in statements of 5 000 ids: a
    delete through the ORM writes a history row for each first, which took minutes for the
    imports' 180 000."""
    from django.db import connection

    ids = list(results.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 5000):
            batch = ids[start : start + 5000]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(f"DELETE FROM schools_result WHERE id IN ({marks})", batch)


GRID_FLOOR = "floor: the grid's 150 rows copied in and committed"


def copy_rows(pupils, rated, today, run):
    """The floor of a grid save: its rows written by the database's bulk load (COPY on
    PostgreSQL, one multi-row INSERT on SQLite) and committed, in one transaction, nothing
    else (no history, no level table, no request)."""
    from django.db import connection, transaction
    from django.utils import timezone

    day = today - datetime.timedelta(days=1 + run % 60)
    now = timezone.now()
    rows = [
        (p.pk, i.pk, skill, day, (p.pk + run) % 4 + 1, now, 1)
        for skill, i in rated.items()
        for p in pupils
    ]
    columns = "pupil_id, instrument_id, skill, assessed_on, level, entered_at, version"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY schools_result ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
            values = [
                connection.ops.adapt_datetimefield_value(v)
                if isinstance(v, datetime.datetime)
                else v
                for row in rows
                for v in row
            ]
            cursor.execute(f"INSERT INTO schools_result ({columns}) VALUES {marks}", values)


def measure_writes(table, *, runs, today, group, staff, boss, school, coordinator, import_rows):
    """The grid save and the import, each write measured with its clean-up outside the timing;
    returns the import's row count."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from schools import levels
    from schools.models import ImportBatch, Instrument, Pupil, Result

    # Writes --------------------------------------------------------------------------------
    rated = {i.skill: i for i in Instrument.objects.filter(kind="rated", school__isnull=True)}
    pupils = list(Pupil.objects.filter(enrolments__group=group))

    def grid_save(run):
        """One save of the class grid with a column per skill: 30 × 5 results."""
        day = today - datetime.timedelta(days=1 + run % 60)
        chosen = "&".join(f"instrument={i.pk}" for i in rated.values())
        url = f"/groups/{group.pk}/grid/?{chosen}&date={day}"
        data = {
            f"value-{i.pk}-{p.pk}": str((p.pk + run) % 4 + 1)
            for i in rated.values()
            for p in pupils
        }
        # Form-encoded, as the browser sends the grid's form (it has no file field).
        response = staff.post(url, urlencode(data), content_type=FORM_ENCODED)
        assert response.status_code == 302, response.status_code

    def clear_grid_day(run):
        """Outside the timing: the bench class's results from the day on go (earlier runs
        wrote them), so each save writes the class's latest test, as a teacher does."""
        day = today - datetime.timedelta(days=1 + run % 60)
        delete_results(Result.objects.filter(pupil__in=pupils, assessed_on__gte=day))
        levels.refresh(p.pk for p in pupils)

    table.add(
        f"grid save, {len(pupils)} pupils × {len(rated)} skills, one request",
        timed(grid_save, runs, clear_grid_day),
        GRID_FLOOR,
    )
    table.add(GRID_FLOOR, timed(lambda r: copy_rows(pupils, rated, today, r), runs, clear_grid_day))
    clear_grid_day(runs - 1)  # the floor's rows go, and the level table follows the results

    sizes = []
    # Each file its own days, from ten days back (the grid saves above write the days before);
    # so every commit writes only new results.
    first_day = 10
    for size in import_rows:
        files = []
        for _run in range(3):
            files.append(import_file(school, size, first_day))
            first_day += len(files[-1][2])
        batches = []

        def dry_run(run, files=files, batches=batches):
            content, _rows, _days = files[run]
            upload = SimpleUploadedFile("results.csv", content, "text/csv")
            response = boss.post(f"/schools/{school.pk}/import/results/", {"file": upload})
            assert response.status_code == 200
            batches.append(ImportBatch.objects.filter(created_by=coordinator).latest("pk"))

        def commit(run, batches=batches):
            response = boss.post(f"/imports/{batches[run].pk}/confirm/")
            assert response.status_code == 302, response.status_code

        def clear_import_days(run, files=files):
            """Outside the timing: results an earlier bench run imported for these dates go,
            so that every commit writes only new results."""
            pupils_of_school = Pupil.objects.filter(enrolments__group__school=school)
            touched = Result.objects.filter(
                pupil__in=pupils_of_school, assessed_on__in=files[run][2], instrument__kind="rated"
            )
            pupil_ids = set(touched.values_list("pupil_id", flat=True))
            delete_results(touched)
            levels.refresh(pupil_ids)

        rows = files[0][1]
        table.add(f"import of {rows} rows: dry run", timed(dry_run, 3, clear_import_days))
        table.add(f"import of {rows} rows: commit", timed(commit, 3))
        sizes.append(rows)
        # The city as it was for what is measured next (a pupil's page lists their results):
        # the imported results go again, outside every timing.
        for run in range(3):
            clear_import_days(run)
    return sizes


def measure_charts(table, *, target, today, runs, cold):
    from progress import charts, dashboard

    # Charts --------------------------------------------------------------------------------
    board = dashboard.build(target=target, on=today, suppress=True)
    data = dashboard.trend_data(board)
    table.add(
        "floor: bare matplotlib trend render", timed(lambda r: charts.trend_chart(data), runs)
    )
    table.add(
        "trend chart, cold (through the cache code)",
        timed(lambda r: charts.cached_svg("trend", data, charts.trend_chart), runs, cold),
        "floor: bare matplotlib trend render",
    )
    table.add(
        "trend chart, from the cache",
        timed(lambda r: charts.cached_svg("trend", data, charts.trend_chart), runs),
    )


def print_progress_targets(table, vendor):
    """The figures' targets alone (a country run, `--only-progress`): progress for any date
    ≤ 1.5 × its floor, the trend ≤ 1.5 s."""
    m = table.medians
    progress = max(
        m["progress layer, today"] / m["floor: SQL over a table of today's levels"],
        m["progress layer, past date"] / m["floor: SQL over a table of the past date's levels"],
    )
    trend = m["trend, all school years"]
    print(f"\ntargets ({vendor}; ratios to this run's floors, times in ms)")
    nothing_stored = (
        m["progress layer, today, nothing stored"] / m["floor: SQL over a table of today's levels"]
    )
    for name, value, met in (
        ("progress, any date ≤ 1.5 × floor", progress, progress <= 1.5),
        ("progress with nothing stored × floor, reported", nothing_stored, None),
        ("trend ≤ 1500 ms", trend, trend <= 1500),
    ):
        print(f"  {'    ' if met is None else 'met ' if met else 'MISS'}  {name}: {value:.2f}")


def print_targets(table, vendor, import_rows, upload):
    """Every target of the performance work as met or MISS, from this run's measurements:
    ratios to floors of the same run are binding; milliseconds are reported beside them."""
    m = table.medians

    def ratio(name, floor):
        return m[name] / m[floor]

    today_floor = "floor: SQL over a table of today's levels"
    past_floor = "floor: SQL over a table of the past date's levels"
    progress = max(
        ratio("progress layer, today", today_floor),
        ratio("progress layer, past date", past_floor),
    )
    # After any enrolment change (a pupil import) no settled day is stored until it is read.
    nothing_stored = ratio("progress layer, today, nothing stored", today_floor)
    trend = ratio("trend, all school years", today_floor)
    computed = ratio("municipality dashboard, figures computed", today_floor)
    after_save = ratio("municipality dashboard after a save today, no lag", today_floor)
    cached = m["municipality dashboard, figures and charts cached"]
    grid = next(v for k, v in m.items() if k.startswith("grid save"))
    grid_floor = grid / m[GRID_FLOOR]
    signed_in = "signed-in trivial view under gunicorn"
    checks = [
        ("progress, any date ≤ 1.5 × floor", progress, progress <= 1.5),
        ("progress with nothing stored × floor, reported", nothing_stored, None),
        ("trend ≤ 2 × floor", trend, trend <= 2),
        ("dashboard, figures computed ≤ 4 × floor", computed, computed <= 4),
        ("dashboard, after a save today ≤ 2 × floor", after_save, after_save <= 2),
        ("dashboard, cached ≤ 10 ms", cached, cached <= 10),
        ("grid save 30 × 5 ≤ 30 ms", grid, grid <= 30),
        # The 30 ms were set on a machine where this floor took 3.7 ms (8.1 times); reported
        # beside the milliseconds, since machines of this kind differ by half and more.
        ("grid save × its floor (150 rows copied in and committed), reported", grid_floor, None),
    ]
    for rows, limit in zip(import_rows, (2000, 8000), strict=True):
        imported = m[f"import of {rows} rows: dry run"] + m[f"import of {rows} rows: commit"]
        name = f"import of {rows} rows, dry run + commit ≤ {limit} ms"
        checks.append((name, imported, imported <= limit))
    for name, floor, share in (
        (signed_in, "anonymous trivial view under gunicorn", 0.5),
        ("pupil's own page under gunicorn", signed_in, 0.3),
        ("cached chart under gunicorn", signed_in, 0.8),
    ):
        checks.append(
            (f"{name} ≥ {share:.0%} of its floor", ratio(name, floor), ratio(name, floor) >= share)
        )
    chart = ratio(
        "trend chart, cold (through the cache code)", "floor: bare matplotlib trend render"
    )
    checks.append(("cold chart ≤ 1.2 × bare matplotlib", chart, chart <= 1.2))
    grown = upload["peak_after"] - upload["peak_before"]
    checks.append(
        (
            "a 100 MB upload is refused and the worker's peak memory stays flat (MiB grown)",
            grown,
            upload["refused"] and grown < 20,
        )
    )
    print(f"\ntargets ({vendor}; ratios to this run's floors, times in ms)")
    for name, value, met in checks:
        print(f"  {'    ' if met is None else 'met ' if met else 'MISS'}  {name}: {value:.2f}")


if __name__ == "__main__":
    main()
