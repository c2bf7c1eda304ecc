"""The pupil's own page ("Mijn Duits") kept as rendered, until something it shows changes.

Pupils open their page again and again (on a phone, after every lesson); rendering it asks
nine queries and draws the whole history table. The rendered body is kept under a key made
of everything it is made from: the pupil, the day, the language, the version of the data the
figures rest on (results, enrolments, groups and schools move it on: `progress.data_version`)
and a second version, moved on here by every save or delete of the other records the page
shows (tests, the city's targets, expected levels, self-assessments, exchanges and their
partners, school years, the pupil record). The page around the body (navigation, messages,
the audit row of the view) is made on every request.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from progress import data_version

PAGES_KEY = "taalpad:pupil-pages-version"
SECONDS = 3600


def _pages_version(found):
    version = found.get(PAGES_KEY)
    if version is None:
        cache.add(PAGES_KEY, uuid.uuid4().hex, None)
        version = cache.get(PAGES_KEY)
    return version


def start_page_key(pupil, today):
    found = cache.get_many([data_version.KEY, PAGES_KEY])
    latest = found.get(data_version.KEY) or data_version.both()[0]
    inputs = ("start", pupil.pk, today, get_language(), latest, _pages_version(found))
    return "taalpad:pupil-page:" + hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]


def kept_start_body(pupil, today, render):
    """The body of the pupil's page: kept, or made by `render()` and kept."""
    key = start_page_key(pupil, today)
    body = cache.get(key)
    if body is None:
        body = render()
        cache.set(key, body, SECONDS)
    return body


def _move_on():
    cache.set(PAGES_KEY, uuid.uuid4().hex, None)


def forget_pages(**kwargs):
    """Now (this process's next read sees the change) and on commit (a page another process
    rendered from the old rows meanwhile is not read again)."""
    _move_on()
    transaction.on_commit(_move_on)


def connect():
    from exchanges.models import ExchangeActivity, Partner
    from progress.models import Target
    from schools.models import ExpectedLevel, Instrument, Pupil, SchoolYear, SelfAssessment

    shown = (ExchangeActivity, Partner, Target, ExpectedLevel, Instrument, Pupil, SchoolYear)
    for model in (*shown, SelfAssessment):
        uid = f"pupil-pages-{model.__name__}"
        post_save.connect(forget_pages, sender=model, dispatch_uid=uid)
        post_delete.connect(forget_pages, sender=model, dispatch_uid=uid)
    for relation in (ExchangeActivity.participants, ExchangeActivity.partners):
        m2m_changed.connect(
            forget_pages, sender=relation.through, dispatch_uid=f"pupil-pages-{relation.field}"
        )
