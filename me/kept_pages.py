"""The pupil's own page ("Mijn Duits") kept as rendered, until something it shows changes.

Pupils open their page again and again (on a phone, after every lesson); rendering it asks
nine queries and draws the whole history table. The rendered body is kept under the pupil,
the day and the language, beside two versions (`core.kept`): that of the data the figures
rest on (results, enrolments, groups and schools move it on: `progress.data_version`) and a
second one, moved on here by every save or delete of the other records the page shows
(tests, the city's targets, expected levels, self-assessments, exchanges and their partners,
school years, the pupil record). The page around the body (navigation, messages, the audit
row of the view) is made on every request.
"""

import hashlib

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from core.kept import kept, move_on
from progress import data_version

PAGES_KEY = "taalpad:pupil-pages-version"
SECONDS = 3600


def kept_start_body(pupil, today, render):
    """The body of the pupil's page: kept, or made by `render()` and kept. The versions and
    the body are read in one round trip."""
    inputs = ("start", pupil.pk, today, get_language())
    key = "taalpad:pupil-page:" + hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]
    return kept(key, [data_version.KEY, PAGES_KEY], render, SECONDS)


def forget_pages(**kwargs):
    """Now (this process's next read sees the change) and on commit (a page another process
    rendered from the old rows meanwhile is not read again)."""
    move_on(PAGES_KEY)


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
