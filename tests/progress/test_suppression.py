"""Small-cell suppression (progress.suppression): no shown figure rests on fewer than the
minimum, none can be worked out by subtraction, and no withheld cell can be solved from the
published figures and sums, not even by a coordinator who knows their own school's figures."""

import datetime

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progress import suppression
from progress.suppression import PROTECTING, SMALL, TOTAL, reference_date, suppress_table
from progress.targets import level_distribution, row_complements, target_progress
from tests.progress.conftest import YEAR_START, build_random_city

MIN = 10
COMPLEMENTS = [("population", "assessed"), ("assessed", "met")]


@pytest.fixture(autouse=True)
def _min_cell(settings):
    settings.TAALPAD_MIN_CELL = MIN


def determined(original, table, *, known_rows=()):
    """Withheld cells a reader can solve from the shown cells and the table's sums (the
    total row), knowing `known_rows` exactly too: a rank test over the linear system."""
    unknowns = [key for key in table.reasons if key[0] not in known_rows]
    if not unknowns or table.total is None:
        return set()
    index = {key: n for n, key in enumerate(unknowns)}
    equations = []
    for column in table.total:
        row = numpy.zeros(len(unknowns))
        for i in range(len(table.rows)):
            if (i, column) in index:
                row[index[i, column]] = 1
        if (TOTAL, column) in index:
            row[index[TOTAL, column]] = -1
        if row.any():
            equations.append(row)
    if not equations:
        return set()
    matrix = numpy.array(equations)
    rank = numpy.linalg.matrix_rank(matrix)
    solved = set()
    for key, n in index.items():
        unit = numpy.zeros(len(unknowns))
        unit[n] = 1
        if numpy.linalg.matrix_rank(numpy.vstack([matrix, unit])) == rank:
            solved.add(key)
    return solved


def check(rows, total, complements, table, *, limit=MIN):
    """Everything a published table must satisfy."""
    cells = _keyed(rows, total)
    published = _keyed(table.rows, table.total)
    _shown_counts_are_exact_and_not_small(cells, published, table, limit)
    _no_small_differences(published, len(rows), total is not None, complements, limit)
    if total is not None:
        _withheld_cells_of_a_total_are_many(cells, published, table, len(rows), limit)
    assert not determined(cells, table)
    _coordinators_cannot_work_out_other_schools(cells, table, len(rows))


def _keyed(rows, total):
    """{(row index or TOTAL, column): value}."""
    cells = {(i, c): v for i, row in enumerate(rows) for c, v in row.items()}
    if total is not None:
        cells.update({(TOTAL, c): v for c, v in total.items()})
    return cells


def _shown_counts_are_exact_and_not_small(cells, published, table, limit):
    for key, value in published.items():
        if value is None:
            assert key in table.reasons
            continue
        assert value == cells[key]  # what is shown is exact
        assert value == 0 or value >= limit, key  # and never a small count


def _no_small_differences(published, n_rows, has_total, complements, limit):
    for row in [*range(n_rows), *([TOTAL] if has_total else [])]:
        for whole, part in complements:
            a, b = published.get((row, whole)), published.get((row, part))
            if a is not None and b is not None:
                assert not 0 < a - b < limit, (row, whole, part)  # no small difference


def _withheld_cells_of_a_total_are_many(cells, published, table, n_rows, limit):
    for column, value in table.total.items():
        withheld = [i for i in range(n_rows) if published[i, column] is None]
        if value is not None and withheld:
            assert len(withheld) >= 3
            assert sum(cells[i, column] for i in withheld) >= limit


def _coordinators_cannot_work_out_other_schools(cells, table, n_rows):
    for school in range(n_rows):  # a coordinator knows their own school's figures
        solved = determined(cells, table, known_rows={school})
        # A total made of the own school's count and shown ones tells that coordinator
        # nothing about another school: only other cells must stay unsolved.
        others = {
            key
            for key in solved
            if key[0] != TOTAL
            or any((i, key[1]) in table.reasons and i != school for i in range(n_rows))
        }
        assert not others, (school, others)


@st.composite
def school_rows(draw):
    rows = []
    for _ in range(draw(st.integers(min_value=1, max_value=9))):
        population = draw(st.integers(min_value=0, max_value=60))
        assessed = draw(st.integers(min_value=0, max_value=population))
        met = draw(st.integers(min_value=0, max_value=assessed))
        rows.append({"population": population, "assessed": assessed, "met": met})
    return rows


def totals(rows):
    return {column: sum(row[column] for row in rows) for column in rows[0]}


@settings(max_examples=400, deadline=None)
@given(school_rows())
def test_no_withheld_cell_of_a_random_table_can_be_solved(rows):
    total = totals(rows)
    table = suppress_table(rows, total=total, complements=COMPLEMENTS)
    check(rows, total, COMPLEMENTS, table)


def test_small_counts_are_withheld_and_zeros_shown():
    rows = [
        {"population": 40, "assessed": 30, "met": 3},
        {"population": 50, "assessed": 40, "met": 0},
        {"population": 60, "assessed": 60, "met": 20},
        {"population": 35, "assessed": 20, "met": 15},
    ]
    table = suppress_table(rows, total=totals(rows), complements=COMPLEMENTS)
    assert table.reasons[0, "met"] == SMALL
    assert table.rows[1]["met"] == 0
    # The total minus the shown ones would give school 0's 3: two more are withheld, and
    # the three rest on at least the minimum.
    withheld = [i for i in range(4) if table.rows[i]["met"] is None]
    assert len(withheld) == 3 and all(
        table.reasons[i, "met"] in (SMALL, PROTECTING) for i in withheld
    )


def test_a_small_difference_is_protected():
    # 30 assessed, 25 met: the 5 who did not meet the target would be a small count.
    table = suppress_table([{"population": 50, "assessed": 30, "met": 25}], complements=COMPLEMENTS)
    assert table.rows[0]["met"] is None and table.reasons[0, "met"] == PROTECTING


def test_a_sum_that_cannot_have_three_withheld_cells_withholds_its_total():
    rows = [{"population": 4}, {"population": 30}]
    table = suppress_table(rows, total=totals(rows))
    assert table.rows == [{"population": None}, {"population": None}]
    assert table.total == {"population": None}


@pytest.mark.parametrize(
    ("asked", "given"),
    [
        (datetime.date(2026, 12, 2), datetime.date(2026, 10, 1)),
        (datetime.date(2026, 10, 1), datetime.date(2026, 10, 1)),
        (datetime.date(2026, 9, 30), datetime.date(2026, 7, 31)),
        (datetime.date(2027, 3, 15), datetime.date(2027, 2, 1)),
        (datetime.date(2027, 1, 31), datetime.date(2026, 10, 1)),
    ],
)
def test_the_municipality_reads_the_latest_reference_date(asked, given):
    assert reference_date(asked) == given


def _figure_rows(rows):
    return [row.figures.counts() for row in rows]


@pytest.mark.parametrize("seed", [11, 12, 13, 14])
def test_no_municipality_table_of_a_random_city_gives_a_small_count_away(
    seed, lea_target, settings
):
    settings.TAALPAD_MIN_CELL = 5
    build_random_city(seed, pupils=90, schools=5)
    complements = row_complements(lea_target.required_skills)
    for asked in (datetime.date(YEAR_START, 10, 1), datetime.date(YEAR_START + 1, 5, 1)):
        shown = target_progress(target=lea_target, on=asked, suppress=True)
        day = reference_date(asked)
        assert shown.date == day  # the answer names the reference date it was read on
        full = target_progress(target=lea_target, on=day, suppress=False)
        total = full.city.counts()
        for table_full, table_shown in (
            (full.schools, shown.schools),
            (full.by_track, shown.by_track),
            (full.by_year_level, shown.by_year_level),
        ):
            reasons = {
                (i, name): why
                for i, row in enumerate(table_shown)
                for name, why in row.figures.withheld.items()
            }
            reasons.update({(TOTAL, name): why for name, why in shown.city.withheld.items()})
            published = suppression.SuppressedTable(
                rows=_figure_rows(table_shown), total=shown.city.counts(), reasons=reasons
            )
            check(_figure_rows(table_full), total, complements, published, limit=5)
        distribution = level_distribution(target=lea_target, on=day, suppress=True)
        for _skill, bands in distribution.items():
            assert all(n is None or n == 0 or n >= 5 for n in bands.values())
