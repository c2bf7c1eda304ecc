import datetime
from io import StringIO

from django.core.management import call_command

from core.cefr import Level, Skill
from progress.models import Target
from progress.targets import target_progress
from schools.models import Pupil, Result, SchoolYear, SelfAssessment
from schools.services import result_record, self_assessment_record
from taalpad.models import User
from tests.conftest import enrol, make_group, make_pupil


def test_leavers_past_the_period_are_anonymised_and_past_figures_stay(
    school_a, teacher_a1, rated_speaking, settings
):
    settings.TAALPAD_MIN_CELL = 1
    old_year = SchoolYear.objects.create(start_year=2020)
    recent_year = SchoolYear.objects.create(start_year=2023)
    old_group = make_group(school_a, old_year, "H3A")
    recent_group = make_group(school_a, recent_year, "H3A")
    leaver = make_pupil(
        school_a,
        "900",
        "Lotte",
        "Meijer",
        user=User.objects.create_user(email="lotte@pupil.test", password="x"),
    )
    recent = make_pupil(school_a, "901", "Daan", "Smit")
    enrol(leaver, old_group)
    enrol(recent, recent_group)
    result_record(
        by=teacher_a1,
        pupil=leaver,
        instrument=rated_speaking,
        assessed_on=datetime.date(2021, 3, 1),
        level="b1",
    )
    self_assessment_record(pupil=leaver, skill="reading", ticked=["a1-1"])
    target = Target.objects.create(
        name="T",
        threshold=Level.B1,
        required_skills=[Skill.SPOKEN_INTERACTION],
        share="0.5",
        deadline=datetime.date(2030, 7, 31),
    )
    before = target_progress(target=target, on=datetime.date(2021, 5, 1), suppress=False)
    today = datetime.date(2024, 11, 1)  # leaver left 31-07-2021: more than 2 years ago

    out = StringIO()
    call_command("purge_leavers", "--today", today.isoformat(), stdout=out)
    assert "1 pupil(s)" in out.getvalue() and "Dry run" in out.getvalue()
    assert Pupil.objects.get(pk=leaver.pk).family_name == "Meijer"

    call_command("purge_leavers", "--today", today.isoformat(), "--apply", stdout=StringIO())
    gone = Pupil.objects.get(pk=leaver.pk)
    assert (gone.given_name, gone.family_name, gone.email, gone.user) == ("", "—", "", None)
    assert gone.pupil_number == f"anon-{leaver.pk}" and gone.anonymised_at is not None
    assert not User.objects.filter(email="lotte@pupil.test").exists()
    assert not SelfAssessment.objects.filter(pupil=gone).exists()
    assert Result.objects.filter(pupil=gone).count() == 1
    assert Pupil.objects.get(pk=recent.pk).family_name == "Smit"  # within the period
    after = target_progress(target=target, on=datetime.date(2021, 5, 1), suppress=False)
    assert after.city == before.city and after.city.met == 1
    again = StringIO()
    call_command("purge_leavers", "--today", today.isoformat(), stdout=again)
    assert "0 pupil(s)" in again.getvalue()
