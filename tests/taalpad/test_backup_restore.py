"""A backup (dumpdata) restored into a fresh database (migrate, loaddata) gives identical
progress figures."""

import datetime
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from progress.models import Target
from progress.targets import target_progress

ROOT = Path(__file__).resolve().parents[2]
DAY = datetime.date(2026, 11, 28)
EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


@pytest.mark.django_db
def test_a_restored_backup_gives_identical_progress(tmp_path):
    call_command(
        "seed_demo",
        "--pupils",
        "200",
        "--today",
        DAY.isoformat(),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    target = Target.objects.get(name__startswith="LEA 2030")
    before = target_progress(target=target, on=DAY, suppress=False)
    backup = tmp_path / "backup.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--exclude",
        *EXCLUDE[:1],
        "--exclude",
        EXCLUDE[1],
        "--exclude",
        EXCLUDE[2],
        "--exclude",
        EXCLUDE[3],
        "--output",
        str(backup),
        verbosity=0,
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "SECRET_KEY": "restore-test",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    # The data migration's reference levels are in the backup too.
    subprocess.run(
        [
            *manage,
            "shell",
            "--no-imports",
            "-c",
            "from schools.models import ExpectedLevel; ExpectedLevel.objects.all().delete()",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    subprocess.run([*manage, "loaddata", str(backup), "-v", "0"], cwd=ROOT, env=env, check=True)
    script = (
        "import datetime, json; from progress.models import Target; "
        "from progress.targets import target_progress; "
        f"t = Target.objects.get(pk={target.pk}); "
        f"p = target_progress(target=t, on=datetime.date.fromisoformat('{DAY}'), suppress=False); "
        "print(json.dumps({'city': p.city.as_dict(), "
        "'schools': [[r.key.brin, r.figures.as_dict()] for r in p.schools]}))"
    )
    output = subprocess.run(
        [*manage, "shell", "--no-imports", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    restored = json.loads(output.strip().splitlines()[-1])
    assert restored["city"] == before.city.as_dict()
    assert restored["schools"] == [[r.key.brin, r.figures.as_dict()] for r in before.schools]
