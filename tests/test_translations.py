"""Dutch and German are complete, in step with the source, and what the pages show."""

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ["nl", "de"]


def catalogue(language):
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    assert len(po) > 700
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]")
    for entry in catalogue(language):
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(placeholder.findall(text)) == sorted(placeholder.findall(entry.msgid))


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is part of set-up")
def test_the_catalogues_hold_every_string_marked_in_the_source(tmp_path):
    """makemessages, run on a copy of the source and its catalogues, adds nothing: no string
    marked for translation is missing from them. (A copy, so the real catalogues stay as
    they are.)"""
    root = Path(settings.BASE_DIR)
    packages = [
        p.name for p in root.iterdir() if (p / "__init__.py").exists() and p.name != "tests"
    ]
    for name in [*packages, "templates", "locale"]:
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(root / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-location", "-v", "0"]
        + [f"--locale={language}" for language in LANGUAGES],
        cwd=tmp_path,
        env={**os.environ, "DEBUG": "1"},
        check=True,
    )
    for language in LANGUAGES:
        fresh = polib.pofile(str(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"))
        missing = [entry.msgid for entry in fresh if not entry.obsolete and not entry.translated()]
        assert missing == [], f"{language}: run makemessages and translate these"


TAG = re.compile(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", re.S)


def visible_text(response):
    return html.unescape(TAG.sub(" ", response.content.decode()))


def english_sentences():
    """The longer English source strings, which never appear on a German page (but for the
    few Dutch terms that the German text keeps beside its own, such as praktijkonderwijs)."""
    with translation.override("en"):
        return {
            entry.msgid
            for entry in catalogue("de")
            if len(entry.msgid) > 14 and "%" not in entry.msgid and entry.msgid not in entry.msgstr
        }


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("pupil_a1", "pupil_start"),
        ("teacher_a1", "teacher_start"),
        ("coordinator_a", "coordinator_start"),
        ("municipality", "municipality_start"),
    ],
)
def test_a_page_in_german_shows_no_english_sentence(
    persona, url_name, request, client, target_for_pages
):
    person = request.getfixturevalue(persona)
    client.force_login(getattr(person, "user", None) or person)  # a pupil logs in as its user
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    response = client.get(reverse(url_name), follow=True)
    assert response.status_code == 200
    text = visible_text(response)
    assert 'lang="de"' in response.content.decode()
    leftovers = sorted(s for s in english_sentences() if s in text)
    assert leftovers == []


@pytest.fixture
def target_for_pages(db):
    import datetime

    from core.cefr import Level, Skill
    from progress.models import Target

    return Target.objects.create(
        name="LEA 2030",
        threshold=Level.B1,
        required_skills=[Skill.LISTENING, Skill.SPOKEN_INTERACTION],
        sectors=["vo"],
        share="0.5",
        deadline=datetime.date(2030, 7, 31),
    )


def test_dutch_is_the_default_and_dates_follow_the_language(client, pupil_a1, target_for_pages):
    client.force_login(pupil_a1.user)
    client.defaults.pop("HTTP_ACCEPT_LANGUAGE", None)
    dutch = visible_text(client.get(reverse("pupil_start")))
    assert "Mijn Duits" in dutch and "Waar ik sta" in dutch
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    german = visible_text(client.get(reverse("pupil_start")))
    assert "Mein Deutsch" in german and "Wo ich stehe" in german


@pytest.fixture
def demo_city(db):
    from demo.city import build_demo_city

    return build_demo_city(pupils=300)


def german_pages():
    """Every kind of page each role reaches, with ids taken from the demo city."""
    from schools.models import Group, Pupil, Result
    from taalpad.models import User

    teacher = User.objects.get(email="docent@taalpad.example")
    coordinator = User.objects.get(email="coordinator@taalpad.example")
    school = coordinator.memberships.first().school
    group = Group.objects.filter(teachers=teacher).order_by("-school_year__start_year").first()
    pupil = Pupil.objects.filter(enrolments__group=group).first()
    result = Result.objects.filter(pupil=pupil).first()
    return {
        "docent@taalpad.example": [
            "/teacher/",
            f"/groups/{group.pk}/",
            f"/groups/{group.pk}/grid/",
            f"/pupils/{pupil.pk}/",
            f"/results/{result.pk}/edit/",
            f"/results/{result.pk}/history/",
            "/exchanges/",
            "/partners/",
            "/profile/",
        ],
        "coordinator@taalpad.example": [
            f"/schools/{school.pk}/",
            f"/schools/{school.pk}/pupils/",
            f"/schools/{school.pk}/staff/",
            f"/schools/{school.pk}/progress/",
            f"/schools/{school.pk}/import/results/",
            f"/schools/{school.pk}/import/pupils/",
            f"/groups/{group.pk}/edit/",
        ],
        "gemeente@taalpad.example": ["/city/", "/city/exchanges/", "/targets/"],
        "leerling@taalpad.example": ["/me/", "/me/self-assessment/listening/"],
    }


def test_every_kind_of_page_is_german_in_german(client, demo_city):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    sentences = english_sentences()
    from taalpad.models import User

    for email, urls in german_pages().items():
        client.force_login(User.objects.get(email=email))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            leftovers = sorted(s for s in sentences if s in visible_text(response))
            assert leftovers == [], url
    client.logout()
    for url in ["/accounts/login/", "/claim/", "/accessibility/"]:
        text = visible_text(client.get(url))
        assert not [s for s in sentences if s in text], url
        assert 'lang="de"' in client.get(url).content.decode()
