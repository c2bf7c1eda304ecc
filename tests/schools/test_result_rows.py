"""Bulk writes of results copy each result into its history in the database: the rows must be
the ones simple_history itself writes, field for field."""

from decimal import Decimal

from django.utils import timezone

from core.cefr import Level
from schools import result_rows
from schools.models import Result
from tests.conftest import school_day


def test_created_and_changed_results_get_history_rows_like_simple_historys(
    teacher_a1, pupil_a1, pupil_a2, goethe_reading
):
    day = school_day(30)
    new = [
        Result(
            pupil=pupil,
            instrument=goethe_reading,
            skill=goethe_reading.skill,
            assessed_on=day,
            score=Decimal(score),
            level=level,
            entered_by=teacher_a1,
        )
        for pupil, score, level in ((pupil_a1, "61.50", Level.B1), (pupil_a2, "20", Level.A1))
    ]
    before = timezone.now()
    result_rows.create(new, by=teacher_a1)
    assert all(result.pk for result in new)
    first = new[0]
    first.score, first.level, first.version = Decimal(40), Level.A2, 2
    result_rows.update([first], ["score", "level", "version"], by=teacher_a1)

    tracked = ["id", "pupil_id", "instrument_id", "skill", "assessed_on", "score", "level"]
    tracked += ["entered_by_id", "entered_at"]
    for result in Result.objects.all():
        rows = list(result.history.order_by("history_id").values(*tracked, "history_type"))
        stored = Result.objects.filter(pk=result.pk).values(*tracked).get()
        assert rows[-1] == {**stored, "history_type": "~" if result.pk == first.pk else "+"}
        assert all(h.history_user == teacher_a1 for h in result.history.all())
        assert all(h.history_date >= before for h in result.history.all())
    assert [h.score for h in first.history.order_by("history_id")] == [Decimal("61.50"), 40]
    assert Result.history.count() == 3
