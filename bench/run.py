#!/usr/bin/env python
"""Benchmark: TaalPad's progress layer, pages and writes next to their floors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taalpad_bench SECRET_KEY=x \\
        .venv/bin/python bench/run.py --pupils 30000 [--build] [--runs 7]

`--build` (re)builds the demo city of that size first (on PostgreSQL, `createdb` the database
beforehand). Prints one line per measurement: median, min–max, runs, and the ratio to its floor
measured in the same run. Outside the test suite: figures, not assertions.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taalpad.settings")


def timed(function, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--build", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from schools.models import Group, Pupil, Result, SchoolYear
    from taalpad import charts, dashboard
    from taalpad.models import User
    from taalpad.progress import default_target, target_progress, target_trend

    if args.build:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", "--pupils", str(args.pupils), "--reset", stdout=quiet)
        print(f"built {args.pupils} pupils in {time.perf_counter() - started:.1f} s")
    today = datetime.date.today()
    past = datetime.date(SchoolYear.start_year_of(today), 3, 1)
    target = default_target(today)
    print(f"{connection.vendor}: {Pupil.objects.count()} pupils, {Result.objects.count()} results")

    def floor_sql(day):
        """A hand-written query for the same city and school figures."""
        skills = list(target.required_skills)
        date = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
        sql = f"""
            WITH pop AS (
                SELECT e.pupil_id, g.school_id FROM schools_enrolment e
                JOIN schools_group g ON g.id = e.group_id
                JOIN schools_school s ON s.id = g.school_id
                WHERE e.starts_on <= {date} AND e.ends_on >= {date} AND s.sector = 'vo'
                  AND g.year_level >= 3),
            latest AS (
                SELECT r.pupil_id, r.skill, r.level, ROW_NUMBER() OVER (
                    PARTITION BY r.pupil_id, r.skill
                    ORDER BY r.assessed_on DESC, r.entered_at DESC, r.id DESC) AS rank
                FROM schools_result r JOIN pop ON pop.pupil_id = r.pupil_id
                WHERE r.assessed_on <= {date} AND r.skill IN ({", ".join(["%s"] * len(skills))}))
            SELECT pop.school_id, COUNT(DISTINCT pop.pupil_id),
                   COUNT(latest.level), SUM(CASE WHEN latest.level >= %s THEN 1 ELSE 0 END)
            FROM pop LEFT JOIN latest ON latest.pupil_id = pop.pupil_id AND latest.rank = 1
            GROUP BY pop.school_id"""
        with connection.cursor() as cursor:
            cursor.execute(sql, [day.isoformat()] * 3 + skills + [target.threshold])
            return cursor.fetchall()

    rows = []

    def measure(name, function, floor_name=None):
        times = timed(function, args.runs)
        rows.append(
            (name, statistics.median(times), min(times), max(times), len(times), floor_name)
        )

    measure("floor: hand-written SQL, today", lambda: floor_sql(today))
    measure(
        "progress layer, today",
        lambda: target_progress(target=target, on=today),
        "floor: hand-written SQL, today",
    )
    measure("floor: hand-written SQL, past date", lambda: floor_sql(past))
    measure(
        "progress layer, past date",
        lambda: target_progress(target=target, on=past),
        "floor: hand-written SQL, past date",
    )
    measure("trend (all school years)", lambda: target_trend(target=target, today=today))

    municipality = User.objects.get(email="gemeente@taalpad.example")
    teacher = User.objects.get(email="docent@taalpad.example")
    with override_settings(ALLOWED_HOSTS=["*"], TAALPAD_REQUIRE_2FA=False):
        city = Client()
        city.force_login(municipality)
        staff = Client()
        staff.force_login(teacher)
        group = Group.objects.filter(teachers=teacher, name="H3A").order_by("-school_year").first()
        pupil = Pupil.objects.filter(enrolments__group=group).first()
        measure("floor: trivial view (login page)", lambda: Client().get("/accounts/login/"))
        city.get("/city/")
        measure(
            "municipality dashboard page",
            lambda: city.get("/city/"),
            "floor: trivial view (login page)",
        )
        measure(
            "progress API",
            lambda: city.get(f"/api/v1/targets/{target.pk}/progress/"),
            "floor: trivial view (login page)",
        )
        measure(
            "group page",
            lambda: staff.get(f"/groups/{group.pk}/"),
            "floor: trivial view (login page)",
        )
        measure(
            "pupil page (staff)",
            lambda: staff.get(f"/pupils/{pupil.pk}/"),
            "floor: trivial view (login page)",
        )

    board = dashboard.build(target=target, on=today, suppress=True)
    data = dashboard.trend_data(board)
    measure("floor: bare matplotlib trend render", lambda: charts.trend_chart(data))
    measure(
        "trend chart through the cache",
        lambda: charts.cached_svg("trend", data, charts.trend_chart),
        "floor: bare matplotlib trend render",
    )

    floors = {name: median for name, median, *_rest in rows}
    print(f"{'measurement':45} {'median ms':>10} {'min–max ms':>17} {'runs':>5} {'× floor':>8}")
    for name, median, low, high, runs, floor_name in rows:
        ratio = f"{median / floors[floor_name]:.2f}" if floor_name else ""
        print(f"{name:45} {median:10.1f} {low:8.1f}–{high:8.1f} {runs:5d} {ratio:>8}")


if __name__ == "__main__":
    main()
