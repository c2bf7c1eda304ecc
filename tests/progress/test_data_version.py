"""The data versions move on with every write that can change a figure; bulk work moves them
once."""

from progress import data_version
from progress.models import StoredYear
from schools.models import Enrolment


def test_deleting_many_enrolments_in_bulk_work_moves_the_version_once(pupil_a1, pupil_a2):
    before = data_version.both()
    with data_version.bumped_once():
        Enrolment.objects.all().delete()
        # no move per deleted row …
        assert data_version.both() == before
    # … one at the end, for both the latest and the settled days' figures
    after = data_version.both()
    assert after[0] != before[0] and after[1] != before[1]


def test_outside_bulk_work_each_saved_enrolment_moves_the_version(pupil_a1):
    before = data_version.both()
    enrolment = Enrolment.objects.get(pupil=pupil_a1)
    enrolment.save()
    assert data_version.both()[0] != before[0]
    assert not StoredYear.objects.exists()
