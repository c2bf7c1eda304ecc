"""What a person may type, read the same way by every form, the grid, the import, the API and
the admin: one function per kind of field.

Each raises ValidationError with a message that quotes at most a short piece of what was
typed, so that a 10 000-character value or a NUL never travels back whole.
"""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

QUOTED_LENGTH = 20
# Digits with at most one decimal separator: 14, 14,5, 14.5, -3. No exponent ("1e3"), no
# "NaN" or "Infinity", no thousands separators (a score is never that large).
_NUMBER = re.compile(r"[+-]?(\d{1,9})([.,](\d+))?")
SCORE_DECIMALS = 2


def quoted(value):
    """A short, printable piece of what was typed, for a message."""
    text = str(value)
    text = "".join(ch if ch.isprintable() else "�" for ch in text[: QUOTED_LENGTH + 1])
    return text if len(text) <= QUOTED_LENGTH else text[:QUOTED_LENGTH] + "…"


def parse_score(value, *, max_score, field="score"):
    """A score as people write it (`14,5` or `14.5`, or a spreadsheet's number): finite, at
    most two decimals, from 0 to `max_score`."""
    if isinstance(value, bool):
        raise ValidationError({field: _("Enter the score as a number.")})
    if isinstance(value, float):
        value = round(value, 6)  # a spreadsheet's 14.499999999999998 is the 14.5 it shows
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if not number.is_finite():
            raise ValidationError({field: _("Enter the score as a number.")})
        text = format(number, "f")
    else:
        text = str(value).strip()
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise ValidationError({field: _("“%(score)s” is not a number.") % {"score": quoted(value)}})
    if match.group(3) and len(match.group(3).rstrip("0")) > SCORE_DECIMALS:
        raise ValidationError({field: _("Give the score with at most two decimals.")})
    number = Decimal(text.replace(",", "."))
    if number < 0 or number > max_score:
        raise ValidationError(
            {
                field: _("The score must lie between 0 and %(max)s.")
                % {"max": format(Decimal(max_score).normalize(), "f")}
            }
        )
    return number.quantize(Decimal("0.01"))


def check_assessed_on(day, *, today=None, field="date"):
    """A result's date: no later than today. (Its enrolment is checked by the school's rule,
    which knows the pupil.)"""
    today = today or datetime.date.today()
    if day > today:
        raise ValidationError(
            {field: _("The date lies after today; a result is entered once it was taken.")}
        )
    return day


def parse_int(value, *, field, minimum=0, maximum=2**31 - 1):
    """A whole number from a form or query parameter, such as a version or a year."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        raise ValidationError(
            {field: _("“%(value)s” is not a whole number.") % {"value": quoted(value)}}
        )
    number = int(text)
    if not minimum <= number <= maximum:
        raise ValidationError({field: _("“%(value)s” is out of range.") % {"value": quoted(value)}})
    return number


SEARCH_LENGTH = 100


def search_text(value):
    """What a search box sends, as a query can use it: trimmed, at most 100 characters, and
    without NUL and other control characters (PostgreSQL refuses NUL in any text)."""
    text = "".join(ch for ch in str(value or "") if ch.isprintable())
    return text.strip()[:SEARCH_LENGTH]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date_param(value, *, field="date"):
    """The day a page or API answer is asked for (`?date=2026-10-01`): None when absent,
    else an existing ISO date in the years a school year may start (2000 to 2100)."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        day = datetime.date.fromisoformat(text)
        if not 2000 <= day.year <= 2100:
            raise ValueError
    except ValueError:
        message = _("Give the date as YYYY-MM-DD between 2000 and 2100 (not “%(value)s”).")
        raise ValidationError({field: message % {"value": quoted(text)}}) from None
    return day


def optional_int(value):
    """A whole number from a query parameter such as `?target=` or `?school=`, or None when
    it is missing or not one."""
    try:
        return parse_int(value, field="value")
    except ValidationError:
        return None
