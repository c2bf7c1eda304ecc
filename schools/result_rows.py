"""Results written in bulk, each with its history row: the class grid, the import and batch
entry write through here.

simple_history's own bulk helpers build one historical object per result in Python and insert
them through the ORM, which cost a class grid more than its results did. Here the database
copies each written result into the history table, one statement per batch of ids, with the
columns and values simple_history itself writes ('+' created, '~' changed; the time and the
user of the write), so its `history` manager and the admin read these rows as their own.
"""

import datetime
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


def record_history(result_ids, *, change, by):
    """One history row per result id, copied from the results table as they stand now."""
    result_ids = list(result_ids)
    if not result_ids:
        return
    quote = connection.ops.quote_name
    copied = ", ".join(quote(column) for column in _copied_columns())
    history_table = quote(Result.history.model._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    user_id = by.pk if by is not None else None
    limit = connection.features.max_query_params  # SQLite's; PostgreSQL's is far beyond
    per_statement = max(1, limit - 3) if limit else 10_000
    with connection.cursor() as cursor:
        for start in range(0, len(result_ids), per_statement):
            batch = result_ids[start : start + per_statement]
            placeholders = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"INSERT INTO {history_table} ({copied}, history_date, history_change_reason,"
                f" history_type, history_user_id)"
                f" SELECT {copied}, %s, NULL, %s, %s FROM {quote(Result._meta.db_table)}"
                f" WHERE id IN ({placeholders})",
                [at, change, user_id, *batch],
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


def _array_literal(values):
    """A PostgreSQL array literal of the values' text: each element quoted, NULL for None.
    One text parameter per column instead of one adapted value per cell, which made the
    driver's quoting cost more than the insert."""

    def element(value):
        if value is None:
            return "NULL"
        if isinstance(value, Enum):
            value = value.value  # a level or a skill choice: its int or text
        elif isinstance(value, datetime.datetime):
            value = value.isoformat()
        text = str(value).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{text}"'

    return "{" + ",".join(element(value) for value in values) + "}"


def _insert_postgresql(results, batch_size):
    """One INSERT … SELECT FROM UNNEST per batch, an array per column: the statement Django
    builds for a bulk_create on PostgreSQL, without its preparation of every value of every
    object in Python (validated results need none)."""
    columns = ", ".join(column for column, _type in _INSERTED)
    arrays = ", ".join(f"%s::{kind}[]" for _column, kind in _INSERTED)
    sql = f"INSERT INTO schools_result ({columns}) SELECT * FROM UNNEST({arrays}) RETURNING id"
    batch_size = batch_size or len(results)
    with connection.cursor() as cursor:
        for start in range(0, len(results), batch_size):
            batch = results[start : start + batch_size]
            cursor.execute(
                sql, [_array_literal(getattr(r, column) for r in batch) for column, _t in _INSERTED]
            )
            # Rows come back in the order of the arrays, as Django's bulk_create relies on too.
            for result, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                result.pk = pk
                result._state.adding, result._state.db = False, connection.alias


def _insert_values(results):
    """Multi-row INSERT … VALUES … RETURNING, as many rows per statement as the database takes
    parameters (SQLite): Django's bulk_create without its preparation of every value in Python.
    The ids come back with each row's pupil, test and date, which name it (one result per test
    and date), since SQLite returns the rows in no promised order."""
    ops = connection.ops
    adapt = {
        "assessed_on": ops.adapt_datefield_value,
        "entered_at": ops.adapt_datetimefield_value,
        "score": lambda value: ops.adapt_decimalfield_value(value, 7, 2),
    }
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
                    if value is not None and column in adapt:
                        value = adapt[column](value)
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
        result._state.adding, result._state.db = False, connection.alias


def create(results, *, by, batch_size=None):
    """Insert new results and their history rows; the results get their ids."""
    results = list(results)
    if not results:
        return
    if connection.vendor == "postgresql":
        _insert_postgresql(results, batch_size)
    else:
        _insert_values(results)
    record_history((result.pk for result in results), change=CREATED, by=by)


def update(results, fields, *, by, batch_size=None):
    """Write `fields` of changed results and a history row for each."""
    if not results:
        return
    Result.objects.bulk_update(results, fields, batch_size=batch_size)
    record_history((result.pk for result in results), change=CHANGED, by=by)
