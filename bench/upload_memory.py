#!/usr/bin/env python
"""A gunicorn worker's memory while a 100 MB upload is refused (the import limit is 5 MB).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 SECRET_KEY=x .venv/bin/python bench/upload_memory.py

Needs a database with the demo city (`manage.py seed_demo`). Starts gunicorn with one worker
on 127.0.0.1, signs in the demo teacher, streams a 100 MB file to the results import and
prints the worker's resident memory and its peak (VmHWM) before and after, and the answer.
All traffic stays on the loopback address; the run ends by itself.
"""

import http.client
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taalpad.settings")

MB = 1024 * 1024


def memory_of(pid):
    """(resident, peak resident) of a process in MiB, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    values = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M))
    return int(values["VmRSS"]) / 1024, int(values["VmHWM"]) / 1024


def workers_of(master):
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(stat.parent.name))
    return children


def stream_upload(port, path, cookie, csrf, size):
    """POSTs a multipart form whose file is `size` bytes, sent in 1 MB pieces."""
    boundary = "taalpadbench"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f'{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + size + len(tail)))
    connection.putheader("Cookie", cookie)
    connection.putheader("Referer", f"http://127.0.0.1:{port}{path}")
    connection.endheaders()
    connection.send(head)
    piece = b"1001;DSD I Leseverstehen;01-10-2026;14\n" * (MB // 40)
    sent = 0
    while sent < size:
        chunk = piece[: min(len(piece), size - sent)]
        connection.send(chunk)
        sent += len(chunk)
    connection.send(tail)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, body


def measure(*, port=8767, size=100 * MB, server=None):
    """Returns a dict of the figures; starts (and stops) gunicorn unless given one."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
    from load import start_gunicorn

    from accounts.models import Membership

    membership = Membership.objects.filter(role="teacher").select_related("user").first()
    store = SessionStore()
    store[SESSION_KEY] = str(membership.user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
    store[HASH_SESSION_KEY] = membership.user.get_session_auth_hash()
    store.create()
    secret = _get_new_csrf_string()
    cookie = (
        f"{settings.SESSION_COOKIE_NAME.replace('__Host-', '')}={store.session_key}; "
        f"{settings.CSRF_COOKIE_NAME.replace('__Host-', '')}={secret}"
    )
    own = server is None
    server = server or start_gunicorn(port, workers=1)
    try:
        time.sleep(1)
        (worker,) = workers_of(server.pid)
        path = f"/schools/{membership.school_id}/import/results/"
        # A small upload first, so that the worker has loaded what an import needs.
        status, _body = stream_upload(port, path, cookie, _mask_cipher_secret(secret), 1000)
        before = memory_of(worker)
        started = time.perf_counter()
        status, body = stream_upload(port, path, cookie, _mask_cipher_secret(secret), size)
        seconds = time.perf_counter() - started
        after = memory_of(worker)
    finally:
        if own:
            server.terminate()
            server.wait(timeout=30)
    return {
        "status": status,
        "refused": "the limit is 5 MB" in body or "limiet is 5 MB" in body,
        "seconds": seconds,
        "rss_before": before[0],
        "peak_before": before[1],
        "rss_after": after[0],
        "peak_after": after[1],
        "size_mb": size / MB,
    }


def report(figures):
    print(
        f"upload of {figures['size_mb']:.0f} MB: answer {figures['status']}, "
        f"{'refused with the message' if figures['refused'] else 'NOT refused'} in "
        f"{figures['seconds']:.1f} s; worker resident {figures['rss_before']:.0f} → "
        f"{figures['rss_after']:.0f} MiB, peak {figures['peak_before']:.0f} → "
        f"{figures['peak_after']:.0f} MiB"
    )


if __name__ == "__main__":
    report(measure())
