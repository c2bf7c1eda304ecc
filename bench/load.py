#!/usr/bin/env python
"""Load test: school days against TaalPad under gunicorn, on this machine only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taalpad_bench SECRET_KEY=x \\
        .venv/bin/python bench/load.py --stages 200,400,700,1000 --seconds 60

Needs a database with the demo city (`manage.py seed_demo`). Starts gunicorn on 127.0.0.1
(2 workers, 4 threads each, as on the 2-core app server of docs/deployment.md) and lets each
stage's number of people work for `--seconds`. Every person is one of the demo city's own
accounts with a session of their own (made in the session store, as a login would: 200
password checks would measure the password hash, not the pages) and clicks as people do,
5–15 s apart: pupils open their page and their growth chart; teachers open their start page,
a group, a pupil, and open and save a class grid (a correction of what the grid shows, sent
with the versions it showed, as the browser does); coordinators open their school's dashboard;
the municipality opens the city's dashboard and its trend chart.

Prints per stage the request rate, errors and p50/p95/p99 per page; then the targets: the
first stage (200 people) without errors and with p95 ≤ 1 s, the saturation point (the request
rate at which p95 passes 2 s, between the stages that bracket it), and each gunicorn worker's
peak resident memory (≤ 200 MiB). Every request goes to the loopback address; the run stops
by itself.
"""

import argparse
import datetime
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
THINK = (5.0, 15.0)  # seconds a person reads before the next click
# Who the people are: most are pupils, then teachers; few coordinators and policy officers.
MIX = (("pupil", 0.55), ("teacher", 0.30), ("coordinator", 0.10), ("municipality", 0.05))
P95_GOAL_MS, SATURATED_MS, WORKER_PEAK_MIB = 1000, 2000, 200


def production_cache():
    """Production runs with Redis as the shared cache (docs/deployment.md), which also holds the
    sessions: a run does too when no cache is configured and Redis answers on its usual port
    (its database 15, which nothing else uses)."""
    import socket

    if os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL"):
        return
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/15"


def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def start_gunicorn(port, workers):
    # Plain HTTP on loopback: cookies without the Secure flag; demo accounts have no second
    # factor. Everything else runs as in production.
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "TAALPAD_REQUIRE_2FA": "0",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "DEBUG": "0",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "taalpad.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            "4",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=1)
            return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit("gunicorn did not start")


# The people ---------------------------------------------------------------------------------


def session_cookies(user):
    """Cookies of a signed-in browser of `user`: a session made in the session store, as the
    login view makes it, and a CSRF secret for the forms."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.middleware.csrf import _get_new_csrf_string

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    secret = _get_new_csrf_string()
    cookie = (
        f"{settings.SESSION_COOKIE_NAME.replace('__Host-', '')}={store.session_key}; "
        f"{settings.CSRF_COOKIE_NAME.replace('__Host-', '')}={secret}; django_language=nl"
    )
    return cookie, secret


def demo_accounts(today):
    """{role: [(user, what they click on)]}: the demo city's accounts of each role."""
    from accounts.models import Membership, MunicipalityMember
    from schools.models import Group, Instrument, Pupil, SchoolYear

    rated = list(
        Instrument.objects.filter(kind="rated", school__isnull=True)
        .order_by("skill")
        .values_list("pk", flat=True)
    )
    accounts = {"pupil": [], "teacher": [], "coordinator": [], "municipality": []}
    for pupil in Pupil.objects.filter(user__isnull=False).select_related("user"):
        accounts["pupil"].append((pupil.user, {"pupil": pupil.pk}))
    current = Group.objects.filter(school_year__start_year=SchoolYear.start_year_of(today))
    for membership in Membership.objects.select_related("user"):
        if membership.role == Membership.Role.COORDINATOR:
            accounts["coordinator"].append((membership.user, {"school": membership.school_id}))
            continue
        groups = list(current.filter(teachers=membership.user).values_list("pk", flat=True))
        if not groups:
            continue
        pupils = list(
            Pupil.objects.filter(
                enrolments__group__in=groups,
                enrolments__starts_on__lte=today,
                enrolments__ends_on__gte=today,
            ).values_list("pk", flat=True)[:50]
        )
        accounts["teacher"].append(
            (membership.user, {"groups": groups, "pupils": pupils, "instruments": rated})
        )
    for member in MunicipalityMember.objects.select_related("user"):
        accounts["municipality"].append((member.user, {}))
    missing = [role for role, found in accounts.items() if not found]
    if missing:
        raise SystemExit(f"the database has no demo accounts for: {', '.join(missing)}")
    return accounts


class Person:
    """One simulated person: their own session, and what they click on."""

    def __init__(self, base, role, user, their):
        from django.middleware.csrf import _mask_cipher_secret

        self.base, self.role, self.their = base, role, their
        self.cookie, secret = session_cookies(user)
        self.token = _mask_cipher_secret(secret)
        self.opener = urllib.request.build_opener(NoRedirect)
        self.answers = []

    def request(self, name, path, data=None):
        """GET (or POST `data` to) `path`; the answer is noted under the page's `name`."""
        body = None if data is None else urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Cookie": self.cookie, "Referer": self.base + path},
        )
        began = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            # A redirect after a save is its success; anything else from 400 up is an error.
            status, text = error.code, error.read().decode("utf-8", "replace")
        self.answers.append((name, status, (time.perf_counter() - began) * 1000))
        return status, text

    def click(self, today):
        """One click of this person's role: [(page name, answer status, ms)] of its requests."""
        self.answers = []
        getattr(self, f"click_{self.role}")(today)
        return self.answers

    def click_pupil(self, _today):
        if random.random() < 0.7:
            self.request("pupil's own page", "/me/")
        else:
            self.request("pupil's growth chart", f"/pupils/{self.their['pupil']}/growth.svg")

    def click_teacher(self, today):
        their = self.their
        choice = random.random()
        if choice < 0.2:
            self.request("teacher's start page", "/teacher/")
        elif choice < 0.45:
            self.request("group page", f"/groups/{random.choice(their['groups'])}/")
        elif choice < 0.6 and their["pupils"]:
            self.request("pupil page (staff)", f"/pupils/{random.choice(their['pupils'])}/")
        else:
            self.grid(today)

    def grid(self, today):
        """Open a class grid of one test on a day of the last weeks, change what it shows,
        save: the save sends back the originals and versions the page showed."""
        their = self.their
        day = today - datetime.timedelta(days=random.randint(1, 40))
        path = (
            f"/groups/{random.choice(their['groups'])}/grid/"
            f"?instrument={random.choice(their['instruments'])}&date={day.isoformat()}"
        )
        status, page = self.request("class grid", path)
        if status != 200:
            return
        form = {"csrfmiddlewaretoken": self.token}
        form.update(re.findall(r'name="((?:original|version)-\d+-\d+)" value="([^"]*)"', page))
        for cell in re.findall(r'<select class="grid-input" name="(value-\d+-\d+)"', page):
            form[cell] = str(random.randint(1, 4))
        # 302: saved; 200: the grid came back with a message (a colleague saved the same cell
        # meanwhile), which is an answer too, not a failure.
        self.request("class grid save", path, form)

    def click_coordinator(self, _today):
        if random.random() < 0.5:
            self.request("coordinator's start page", "/school/")
        else:
            self.request("school dashboard", f"/schools/{self.their['school']}/progress/")

    def click_municipality(self, _today):
        if random.random() < 0.6:
            self.request("city dashboard", "/city/")
        else:
            self.request("city trend chart", "/city/chart/trend.svg")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def people(base, count, accounts):
    """`count` people in the proportions of MIX, each on an account of their role (accounts are
    shared round-robin when a role has fewer than people)."""
    made, turns = [], dict.fromkeys(accounts, 0)
    for role, share in MIX:
        for _ in range(round(count * share)):
            user, their = accounts[role][turns[role] % len(accounts[role])]
            turns[role] += 1
            made.append(Person(base, role, user, their))
    return made


# A stage ------------------------------------------------------------------------------------


def stage(crowd, seconds, today):
    """Every person clicks, THINK seconds apart, from a random moment of their first think,
    until `seconds` have passed. Returns ({page: [ms]}, {page: errors}, seconds)."""
    timings, errors, lock = {}, {}, threading.Lock()
    stop_at = time.monotonic() + seconds

    def work(person):
        time.sleep(random.uniform(0, THINK[1]))  # people arrive over the first think
        while time.monotonic() < stop_at:
            try:
                answers = person.click(today)
            except Exception:  # a timeout or a refused connection counts as an error
                answers = [*person.answers, ("(no answer)", 599, 0.0)]
            with lock:
                for name, status, ms in answers:
                    timings.setdefault(name, []).append(ms)
                    if status >= 400:
                        errors[name] = errors.get(name, 0) + 1
            time.sleep(max(0.0, min(random.uniform(*THINK), stop_at - time.monotonic())))

    threads = [threading.Thread(target=work, args=(p,), daemon=True) for p in crowd]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    # The rate is of the stage's own seconds: people who arrive late or are still waiting for an
    # answer at its end do not stretch it.
    return timings, errors, seconds


def report_stage(users, timings, errors, duration):
    every = [value for values in timings.values() for value in values]
    failed = sum(errors.values())
    rate = len(every) / duration
    print(
        f"\n{users} people for {duration:.0f} s: {len(every)} requests, {rate:.1f} per second, "
        f"{failed} errors; p50 {statistics.median(every):.0f} ms, "
        f"p95 {percentile(every, 0.95):.0f} ms, p99 {percentile(every, 0.99):.0f} ms"
    )
    print(f"  {'page':26} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, values in sorted(timings.items()):
        print(
            f"  {name:26} {len(values):9d} {errors.get(name, 0):7d} "
            f"{statistics.median(values):8.0f} {percentile(values, 0.95):8.0f} "
            f"{percentile(values, 0.99):8.0f}"
        )
    sys.stdout.flush()
    return {"users": users, "rate": rate, "p95": percentile(every, 0.95), "errors": failed}


def saturation(results):
    """The request rate at which p95 passes SATURATED_MS, interpolated between the stages that
    bracket it; None when no stage reached it."""
    below = None
    for result in results:
        if result["p95"] > SATURATED_MS:
            if below is None:
                return result["rate"], "at or below"
            share = (SATURATED_MS - below["p95"]) / (result["p95"] - below["p95"])
            return below["rate"] + share * (result["rate"] - below["rate"]), "about"
        below = result
    return None, None


def worker_peaks(server):
    from upload_memory import memory_of, workers_of

    return [memory_of(worker)[1] for worker in workers_of(server.pid)]


def print_targets(results, peaks):
    first = results[0]
    met = first["errors"] == 0 and first["p95"] <= P95_GOAL_MS
    print(f"\ntargets (load, {os.cpu_count()} cores)")
    print(
        f"  {'met ' if met else 'MISS'}  {first['users']} people, 0 errors and p95 ≤ "
        f"{P95_GOAL_MS} ms: {first['errors']} errors, p95 {first['p95']:.0f} ms"
    )
    rate, how = saturation(results)
    if rate is None:
        print(
            f"  (reported) saturation: p95 stayed ≤ {SATURATED_MS} ms up to "
            f"{results[-1]['rate']:.0f} requests/s ({results[-1]['users']} people)"
        )
    else:
        print(f"  (reported) saturation: p95 passes {SATURATED_MS} ms {how} {rate:.0f} requests/s")
    if peaks:
        peak = max(peaks)
        print(
            f"  {'met ' if peak <= WORKER_PEAK_MIB else 'MISS'}  a worker's peak memory ≤ "
            f"{WORKER_PEAK_MIB} MiB: {', '.join(f'{p:.0f}' for p in peaks)} MiB"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--stages", default="200,400,700,1000", help="people per stage, comma-separated"
    )
    parser.add_argument("--seconds", type=int, default=60, help="length of each stage")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--url", default=None, help="use a running server instead")
    args = parser.parse_args()
    production_cache()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taalpad.settings")
    os.environ.update(SECURE_COOKIES="0", SECURE_SSL_REDIRECT="0")
    import django

    django.setup()
    today = datetime.date.today()
    accounts = demo_accounts(today)
    server, base = None, args.url
    if base is None:
        server = start_gunicorn(8765, args.workers)
        base = "http://127.0.0.1:8765"
    try:
        results = []
        for users in (int(n) for n in args.stages.split(",")):
            crowd = people(base, users, accounts)
            results.append(report_stage(users, *stage(crowd, args.seconds, today)))
        print_targets(results, worker_peaks(server) if server else [])
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
