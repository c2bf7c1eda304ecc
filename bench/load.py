#!/usr/bin/env python
"""Load test: a school morning against TaalPad under gunicorn, on this machine only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taalpad_bench SECRET_KEY=x \\
        .venv/bin/python bench/load.py --users 200 --seconds 60

Starts gunicorn on 127.0.0.1 (or uses --url), logs in the demo city's personas, and lets
`--users` simulated people work for `--seconds`: teachers open their group and save a class
grid, pupils open their page, the municipality opens the dashboard. Every request goes to the
loopback address; the run stops by itself. Prints requests per second, the error rate and
p50/p95/p99 per page.
"""

import argparse
import http.cookiejar
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "duits-leren-2030"


def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class Person:
    def __init__(self, base, email):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("Accept-Language", "en")]  # the pages are read below
        page = self.get("/accounts/login/")[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.post(
            "/accounts/login/", {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")

    def post(self, path, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")


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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--url", default=None, help="use a running server instead")
    args = parser.parse_args()
    server = None
    base = args.url
    if base is None:
        server = start_gunicorn(8765, args.workers)
        base = "http://127.0.0.1:8765"
    try:
        run(base, args)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


def run(base, args):
    teacher = Person(base, "docent@taalpad.example")
    pupil = Person(base, "leerling@taalpad.example")
    city = Person(base, "gemeente@taalpad.example")
    group_path = re.search(r'href="(/groups/\d+/)"', teacher.get("/teacher/")[1]).group(1)
    grid_start = teacher.get(group_path + "grid/")[1]
    instrument = re.search(r'value="(\d+)"[^>]*>\s*Reading: Docentoordeel', grid_start).group(1)
    grid_page = teacher.get(
        f"{group_path}grid/?instrument={instrument}&date={time.strftime('%Y-%m-%d')}"
    )[1]
    cells = re.findall(r'name="(value-\d+-\d+)"', grid_page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', grid_page).group(1)
    people = {"teacher": teacher, "pupil": pupil, "municipality": city}

    def grid_at(days_ago):
        day = time.strftime("%Y-%m-%d", time.localtime(time.time() - days_ago * 86400))
        return f"{group_path}grid/?instrument={instrument}&date={day}"

    tasks = [
        ("pupil", "pupil page", lambda p: p.get("/me/")),
        ("pupil", "pupil page", lambda p: p.get("/me/")),
        ("teacher", "group page", lambda p: p.get(group_path)),
        # Each save is a new test date, so that it writes a class's results.
        (
            "teacher",
            "grid save",
            lambda p: p.post(
                grid_at(random.randint(1, 60)),
                {
                    "csrfmiddlewaretoken": token,
                    **{cell: str(random.randint(1, 4)) for cell in cells},
                },
            ),
        ),
        ("municipality", "city dashboard", lambda p: p.get("/city/")),
    ]
    timings, errors, lock = {}, {}, threading.Lock()
    stop_at = time.monotonic() + args.seconds

    def user():
        while time.monotonic() < stop_at:
            role, name, action = random.choice(tasks)
            started = time.perf_counter()
            ok = True
            try:
                status, _body = action(people[role])
                ok = status < 400
            except Exception:  # any failure counts as an error of that page
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings.setdefault(name, []).append(elapsed)
                if not ok:
                    errors[name] = errors.get(name, 0) + 1
            time.sleep(random.uniform(0.5, 2.0))  # a person reads before clicking again

    threads = [threading.Thread(target=user, daemon=True) for _ in range(args.users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 60)
    duration = time.monotonic() - started
    total = sum(len(v) for v in timings.values())
    failed = sum(errors.values())
    print(
        f"{args.users} users for {duration:.0f} s: {total} requests, "
        f"{total / duration:.1f} per second, {failed} errors "
        f"({100 * failed / max(total, 1):.2f} %)"
    )
    print(f"{'page':18} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, values in sorted(timings.items()):
        print(
            f"{name:18} {len(values):9d} {errors.get(name, 0):7d} "
            f"{statistics.median(values):8.0f} {percentile(values, 0.95):8.0f} "
            f"{percentile(values, 0.99):8.0f}"
        )


if __name__ == "__main__":
    main()
