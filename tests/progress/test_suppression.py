"""Small-cell suppression: no shown figure rests on fewer than the minimum, and no withheld
figure can be worked out from the totals shown beside it."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taalpad.progress import Figures, Row, _suppress_counts, suppress_rows, target_progress
from tests.progress.conftest import YEAR_START, build_random_city

MIN = 10


@pytest.fixture(autouse=True)
def _min_cell(settings):
    settings.TAALPAD_MIN_CELL = MIN


def rows_of(populations):
    return [
        Row(key=i, label=str(i), figures=Figures(population=n, assessed=n, met=n // 2))
        for i, n in enumerate(populations)
    ]


def check_rows(original, shown):
    withheld = [row for row, out in zip(original, shown, strict=True) if out.figures.suppressed]
    for row, out in zip(original, shown, strict=True):
        if not out.figures.suppressed:
            assert out.figures.population >= MIN
            assert out.figures == row.figures
        else:
            assert out.figures.population is None and out.figures.met is None
    if withheld:
        # The total minus the shown rows gives only the withheld rows' sum: that must be
        # at least two rows, together resting on at least the minimum.
        assert len(withheld) >= 2
        assert sum(row.figures.population for row in withheld) >= MIN


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=25))
def test_suppressed_rows_cannot_be_recovered_from_the_total(populations):
    if sum(populations) < MIN:
        return  # the total itself is withheld then; nothing is shown
    original = rows_of(populations)
    check_rows(original, suppress_rows(original))


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([None, 0, 1, 2, 3, 4, 5, 6]),
        st.integers(min_value=0, max_value=40),
        min_size=7,
        max_size=8,
    )
)
def test_suppressed_counts_cannot_be_recovered_from_the_total(row):
    shown = _suppress_counts(row)
    if sum(row.values()) < MIN:
        assert all(value is None for value in shown.values())
        return
    withheld = [key for key, value in shown.items() if value is None]
    for key, value in shown.items():
        if value is not None:
            assert value == 0 or value >= MIN
            assert value == row[key]
    if withheld:
        assert len(withheld) >= 2 and sum(row[key] for key in withheld) >= MIN


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_the_municipality_sees_no_small_cell_in_a_random_city(seed, lea_target, settings):
    settings.TAALPAD_MIN_CELL = 5
    build_random_city(seed, pupils=90, schools=5)
    for day in (datetime.date(YEAR_START, 10, 1), datetime.date(YEAR_START + 1, 5, 1)):
        full = target_progress(target=lea_target, on=day, suppress=False)
        shown = target_progress(target=lea_target, on=day, suppress=True)
        for table_full, table_shown in (
            (full.schools, shown.schools),
            (full.by_track, shown.by_track),
            (full.by_year_level, shown.by_year_level),
        ):
            withheld = [
                f for f, s in zip(table_full, table_shown, strict=True) if s.figures.suppressed
            ]
            for f, s in zip(table_full, table_shown, strict=True):
                if not s.figures.suppressed:
                    assert s.figures.population >= 5
                    assert s.figures.population == f.figures.population
            if withheld and not shown.city.suppressed:
                assert len(withheld) >= 2
                assert sum(f.figures.population for f in withheld) >= 5
