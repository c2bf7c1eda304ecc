"""Small-cell suppression: every figure the municipality receives passes through here.

The rules (pupils are minors; council reports are public):

- **Small counts.** Every count from 1 to TAALPAD_MIN_CELL − 1 is withheld (a zero is shown:
  it reveals no pupil). Every share computed from a withheld count is withheld too.
- **Complements.** A row publishes counts whose differences are counts of pupils as well
  (population − assessed are the pupils not assessed, assessed − met those who did not meet
  the target). A table declares these pairs; where a difference is small, the part is
  withheld, so that the difference cannot be worked out.
- **Sums.** A table declares the sum it publishes (the schools add up to the city, tracks and
  year levels to their total, level bands to the population). Where a sum has withheld
  cells, it has at least three, together resting on at least the minimum: then neither the
  total minus the shown cells nor a reader who knows one school's exact figures (a
  coordinator) can solve a withheld cell. Where no such three can be found, the total's
  cell is withheld as well.
- **Reference dates.** The municipality sees figures on reference dates only (1 October,
  1 February and 31 July): asked for a date, it gets the latest reference date on or before
  it, so that two answers a day apart cannot be subtracted to follow single pupils.

`suppress_table` applies the first three to one table; `reference_date` gives the date.
Each withheld cell is marked SMALL (it rests on too few pupils) or PROTECTING (withheld so
that a small one cannot be worked out).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings

SMALL = "small"
PROTECTING = "protecting"
TOTAL = "total"


def minimum():
    """The fewest pupils behind any figure the municipality sees."""
    return settings.TAALPAD_MIN_CELL


def is_small(count, limit=None):
    limit = minimum() if limit is None else limit
    return count is not None and 0 < count < limit


@dataclass
class SuppressedTable:
    """The table as it may be published: withheld counts are None. `reasons` maps
    (row index or TOTAL, column) to SMALL or PROTECTING."""

    rows: list
    total: dict | None
    reasons: dict = field(default_factory=dict)

    def withheld_in(self, row):
        """{column: reason} of one row (an index or TOTAL)."""
        return {column: why for (r, column), why in self.reasons.items() if r == row}


def suppress_table(rows, *, total=None, complements=(), total_withheld=(), at_least=3):
    """Suppress one table.

    `rows` is a list of {column: count}; `total`, when the table publishes one, the row they
    add up to, column by column. `complements` lists (whole, part) column pairs whose
    difference is a count of pupils (population, assessed). `total_withheld` names columns
    of the total that another table already withholds. `at_least` is how many withheld cells
    a sum with withheld cells must have: three by default; two for a split of a known total
    into two rows (who took part in an exchange, who did not), which cannot have three.
    """
    limit = minimum()
    cells = {(i, column): count for i, row in enumerate(rows) for column, count in row.items()}
    if total is not None:
        cells.update({(TOTAL, column): count for column, count in total.items()})
    reasons = {key: SMALL for key, count in cells.items() if is_small(count, limit)}
    for column in total_withheld:
        if (TOTAL, column) in cells:
            reasons.setdefault((TOTAL, column), PROTECTING)
    keys = [*range(len(rows)), *([TOTAL] if total is not None else [])]
    changed = True
    while changed:
        changed = _protect_complements(cells, reasons, keys, complements, limit)
        if total is not None:
            for column in total:
                changed |= _protect_sum(cells, reasons, len(rows), column, limit, at_least)
    published = [
        {column: None if (i, column) in reasons else count for column, count in row.items()}
        for i, row in enumerate(rows)
    ]
    published_total = (
        None
        if total is None
        else {c: None if (TOTAL, c) in reasons else n for c, n in total.items()}
    )
    return SuppressedTable(rows=published, total=published_total, reasons=reasons)


def _protect_complements(cells, reasons, keys, complements, limit):
    changed = False
    for row in keys:
        for whole, part in complements:
            if (row, whole) not in cells or (row, part) not in cells:
                continue
            if (row, whole) in reasons or (row, part) in reasons:
                continue
            if is_small(cells[row, whole] - cells[row, part], limit):
                reasons[row, part] = PROTECTING
                changed = True
    return changed


def _protect_sum(cells, reasons, size, column, limit, at_least):
    withheld = [i for i in range(size) if (i, column) in reasons]
    parts = [i for i in range(size) if (i, column) in cells]
    if (TOTAL, column) in reasons:
        # A withheld total (small, or withheld by another table of the same total) must not
        # be the sum of shown parts: enough of them are withheld too.
        def safe():
            return len(withheld) >= min(at_least, len(parts))
    elif not withheld:
        return False
    else:

        def safe():
            return len(withheld) >= at_least and sum(cells[i, column] for i in withheld) >= limit

    if safe():
        return False
    # The smallest counts first (they hide the least), zeros last (they hide nothing).
    candidates = sorted(
        (i for i in range(size) if (i, column) in cells and (i, column) not in reasons),
        key=lambda i: (cells[i, column] == 0, cells[i, column], i),
    )
    while candidates and not safe():
        i = candidates.pop(0)
        reasons[i, column] = PROTECTING
        withheld.append(i)
    if not safe():
        reasons[TOTAL, column] = PROTECTING
        return _protect_sum(cells, reasons, size, column, limit, at_least) or True
    return True


def share(part, whole):
    """A share, or None where either count is withheld or the whole is zero."""
    if part is None or not whole:
        return None
    return part / whole


REFERENCE_DAYS = ((10, 1), (2, 1), (7, 31))


def reference_date(on):
    """The latest reference date (1 October, 1 February, 31 July) on or before `on`."""
    candidates = [
        datetime.date(year, month, day)
        for year in (on.year - 1, on.year)
        if year >= datetime.MINYEAR
        for month, day in REFERENCE_DAYS
    ]
    return max((day for day in candidates if day <= on), default=on)
