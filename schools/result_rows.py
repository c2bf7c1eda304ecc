"""Results written in bulk, each with its history row: the class grid, the import and batch
entry write through here.

simple_history's own bulk helpers build one historical object per result in Python and insert
them through the ORM, which cost a class grid more than its results did. Here the database
copies each written result into the history table, with the columns and values simple_history
itself writes ('+' created, '~' changed; the time and the user of the write), so its `history`
manager and the admin read these rows as their own: on PostgreSQL new results in the insert's
own statement, otherwise one statement per batch of ids.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from django.db import connection
from django.utils import timezone

from .models import Result

CREATED, CHANGED = "+", "~"


def _copied_columns():
    """The result columns the history table repeats (every tracked field, not `version`)."""
    history = Result.history.model
    return [
        field.column
        for field in history._meta.concrete_fields
        if not field.name.startswith("history_")
    ]


def _history_columns():
    """(the copied result columns, quoted; the history table, quoted)."""
    quote = connection.ops.quote_name
    copied = ", ".join(quote(column) for column in _copied_columns())
    return copied, quote(Result.history.model._meta.db_table)


_HISTORY_EXTRA = "history_date, history_change_reason, history_type, history_user_id"


def _history_values(change, by):
    """The values of the history columns beyond the copied ones: the time and the user of the
    write, as simple_history writes them."""
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    return [at, change, by.pk if by is not None else None]


def record_history(result_ids, *, change, by):
    """One history row per result id, copied from the results table as they stand now."""
    result_ids = list(result_ids)
    if not result_ids:
        return
    copied, history_table = _history_columns()
    quote = connection.ops.quote_name
    values = _history_values(change, by)
    limit = connection.features.max_query_params  # SQLite's; PostgreSQL's is far beyond
    per_statement = max(1, limit - 3) if limit else 10_000
    with connection.cursor() as cursor:
        for start in range(0, len(result_ids), per_statement):
            batch = result_ids[start : start + per_statement]
            placeholders = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"INSERT INTO {history_table} ({copied}, {_HISTORY_EXTRA})"
                f" SELECT {copied}, %s, NULL, %s, %s FROM {quote(Result._meta.db_table)}"
                f" WHERE id IN ({placeholders})",
                [*values, *batch],
            )


# The columns a new result is inserted with, and their PostgreSQL array types.
_INSERTED = (
    ("pupil_id", "bigint"),
    ("instrument_id", "bigint"),
    ("skill", "varchar"),
    ("assessed_on", "date"),
    ("score", "numeric"),
    ("level", "smallint"),
    ("entered_by_id", "bigint"),
    ("entered_at", "timestamptz"),
    ("version", "integer"),
)


def _element(value):
    """One element of an array literal: numbers, dates and times as they are (none holds a
    character an array literal must quote), text quoted, NULL for None."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(int(value))  # a level (an integer choice) as its number
    if isinstance(value, datetime.date):
        return value.isoformat()  # a date, or a time with its offset
    if isinstance(value, Enum):
        value = value.value  # a skill choice: its text
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _array_literal(values):
    """A PostgreSQL array literal of the values' text. One text parameter per column instead
    of one adapted value per cell, which made the driver's quoting cost more than the insert.
    Each distinct value is written once: a column holds few (one time and one person for a
    whole import, a handful of dates, tests and levels)."""
    written = {}
    parts = []
    for value in values:
        try:
            text = written[value]
        except KeyError:
            text = written[value] = _element(value)
        parts.append(text)
    return "{" + ",".join(parts) + "}"


def _insert_postgresql(results, batch_size, by):
    """One statement per batch: INSERT … SELECT FROM UNNEST, an array per column (the statement
    Django builds for a bulk_create on PostgreSQL, without its preparation of every value of
    every object in Python: validated results need none), and, in the same statement, the
    history row of each inserted result copied from what it inserted."""
    columns = ", ".join(column for column, _type in _INSERTED)
    arrays = ", ".join(f"%s::{kind}[]" for _column, kind in _INSERTED)
    copied, history_table = _history_columns()
    sql = f"""
        WITH inserted AS (
            INSERT INTO {Result._meta.db_table} ({columns}) SELECT * FROM UNNEST({arrays})
            RETURNING *),
        history AS (
            INSERT INTO {history_table} ({copied}, {_HISTORY_EXTRA})
            SELECT {copied}, %s, NULL, %s, %s FROM inserted)
        SELECT id, pupil_id, instrument_id, assessed_on FROM inserted"""
    history = _history_values(CREATED, by)
    batch_size = batch_size or len(results)
    by_key = {}
    with connection.cursor() as cursor:
        for start in range(0, len(results), batch_size):
            batch = results[start : start + batch_size]
            arrays = [_array_literal(getattr(r, column) for r in batch) for column, _t in _INSERTED]
            cursor.execute(sql, [*arrays, *history])
            # Each id by the row's pupil, test and date, which name it (one result per test
            # and date): no order of the returned rows is relied on.
            for pk, pupil_id, instrument_id, day in cursor.fetchall():
                by_key[pupil_id, instrument_id, day] = pk
    for result in results:
        result.pk = by_key[result.pupil_id, result.instrument_id, result.assessed_on]
    _mark_saved(results)


def _insert_values(results):
    """Multi-row INSERT … VALUES … RETURNING, as many rows per statement as the database takes
    parameters (SQLite): Django's bulk_create without its preparation of every value in Python.
    The ids come back with each row's pupil, test and date, which name it (one result per test
    and date), since SQLite returns the rows in no promised order."""
    ops = connection.ops
    adapters = {
        "assessed_on": ops.adapt_datefield_value,
        "entered_at": ops.adapt_datetimefield_value,
        "score": lambda value: ops.adapt_decimalfield_value(value, 7, 2),
    }
    adapted = {column: {} for column in adapters}  # each distinct value adapted once

    def adapt(column, value):
        known = adapted[column]
        if value not in known:
            known[value] = adapters[column](value)
        return known[value]

    columns = [column for column, _type in _INSERTED]
    per_statement = max(1, connection.features.max_query_params // len(columns))
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    by_key = {}
    with connection.cursor() as cursor:
        for start in range(0, len(results), per_statement):
            batch = results[start : start + per_statement]
            params = []
            for result in batch:
                for column in columns:
                    value = getattr(result, column)
                    value = value.value if isinstance(value, Enum) else value
                    if value is not None and column in adapters:
                        value = adapt(column, value)
                    params.append(value)
            cursor.execute(
                f"INSERT INTO schools_result ({', '.join(columns)})"
                f" VALUES {', '.join([row] * len(batch))}"
                " RETURNING id, pupil_id, instrument_id, assessed_on",
                params,
            )
            for pk, pupil_id, instrument_id, day in cursor.fetchall():
                by_key[pupil_id, instrument_id, str(day)] = pk
    for result in results:
        result.pk = by_key[result.pupil_id, result.instrument_id, result.assessed_on.isoformat()]
    _mark_saved(results)


def _mark_saved(results):
    """Model instances among the results are saved ones now (NewResult rows have no state)."""
    for result in results:
        if isinstance(result, Result):
            result._state.adding, result._state.db = False, connection.alias


@dataclass(slots=True)
class NewResult:
    """A new result as the bulk insert takes it: the values of its columns, without a model
    instance (building 50 000 Result objects cost an import more than inserting them)."""

    pupil_id: int
    instrument_id: int
    skill: str
    assessed_on: datetime.date
    score: Decimal | None
    level: int
    entered_by_id: int | None
    entered_at: datetime.datetime = field(default_factory=timezone.now)
    version: int = 1
    pk: int | None = None


def create(results, *, by, batch_size=None):
    """Insert new results (Result instances or NewResult rows) and their history rows; each
    gets its id."""
    results = list(results)
    if not results:
        return
    if connection.vendor == "postgresql":
        _insert_postgresql(results, batch_size, by)
    else:
        _insert_values(results)
        record_history((result.pk for result in results), change=CREATED, by=by)


def update(results, fields, *, by, batch_size=None):
    """Write `fields` of changed results and a history row for each."""
    if not results:
        return
    Result.objects.bulk_update(results, fields, batch_size=batch_size)
    record_history((result.pk for result in results), change=CHANGED, by=by)
