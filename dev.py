#!/usr/bin/env python3
"""Set-up in one command, on any machine with Python 3.11+.

    python3 dev.py demo    install, build the demo city on SQLite, serve it at 127.0.0.1:8000
    python3 dev.py test    install, run the whole test suite (extra arguments go to pytest)

Both create `.venv/` in this folder on first use and reinstall only when pyproject.toml changes.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".taalpad-installed"


def run(*command, env=None):
    completed = subprocess.run(command, cwd=ROOT, env=env)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def install():
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older Python
        sys.exit("TaalPad needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv/ …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing TaalPad and its dependencies …", flush=True)
    run(str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(str(PYTHON), "-m", "pip", "install", "--quiet", ".[dev]")
    STAMP.write_text(wanted)


def compile_catalogues():
    """The Dutch and German catalogues are compiled from locale/*.po with GNU gettext."""
    if shutil.which("msgfmt") is None:
        if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
            print("Installing GNU gettext to compile the translations …", flush=True)
            subprocess.run(["apt-get", "update", "-qq"], check=False, stdout=subprocess.DEVNULL)
            run("apt-get", "install", "-y", "-qq", "--no-install-recommends", "gettext")
        else:
            sys.exit(
                "TaalPad compiles its translations with GNU gettext, which is not installed: "
                "apt install gettext, brew install gettext, or your system's equivalent."
            )
    env = {**os.environ, "DEBUG": "1"}
    run(str(PYTHON), "manage.py", "compilemessages", "-v", "0", "--ignore", ".venv", env=env)


def prepare_browser_tests():
    """The end-to-end tests need Debian's Chromium and axe-core from npm; set up what can be
    set up here, and otherwise say why those tests will be skipped."""
    e2e = ROOT / "tests" / "e2e"
    chromium = os.environ.get("TAALPAD_CHROMIUM") or shutil.which("chromium")
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if chromium is None and shutil.which("apt-get") and as_root:
        print("Installing Chromium for the end-to-end tests …", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=False, stdout=subprocess.DEVNULL)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
            check=False,
            stdout=subprocess.DEVNULL,
        )
    if not (e2e / "node_modules" / "axe-core").exists():
        if shutil.which("npm"):
            print("Installing axe-core for the accessibility checks …", flush=True)
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=e2e, check=False
            )
        else:
            print("npm is not installed: the end-to-end tests will be skipped.", flush=True)


def demo(args):
    install()
    compile_catalogues()
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    manage = [str(PYTHON), "manage.py"]
    run(*manage, "migrate", "--no-input", "-v", "0", env=env)
    run(*manage, "collectstatic", "--no-input", "-v", "0", env=env)
    seeded = subprocess.run(
        [*manage, "seed_demo", "--reset", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    sys.stderr.write(seeded.stderr)
    if seeded.returncode != 0:
        sys.exit(seeded.returncode)
    print("\nTaalPad runs at http://127.0.0.1:8000/ — log in with (role, e-mail, password):")
    print(seeded.stdout, flush=True)
    try:
        run(*manage, "runserver", "127.0.0.1:8000", env=env)
    except KeyboardInterrupt:
        print("\nTaalPad stopped.")


def test(args):
    install()
    compile_catalogues()
    prepare_browser_tests()
    env = {**os.environ}
    env.setdefault("SECRET_KEY", "tests-only-not-a-secret")
    run(str(PYTHON), "-m", "pytest", *args, env=env)


def main():
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
