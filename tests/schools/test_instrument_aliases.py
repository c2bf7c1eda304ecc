"""Other names of an instrument: an administrator adds the names files use, and the results
import recognises them as the instrument's own."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from schools.models import InstrumentAlias, Result
from tests.schools.test_imports import confirm, dutch, upload


@pytest.fixture
def day(school_year):
    return school_year.starts_on + datetime.timedelta(days=60)


def test_a_file_may_name_a_test_by_another_name_an_admin_gave_it(
    client, teacher_a1, school_a, pupil_a1, goethe_reading, day
):
    text = f"leerlingnummer;toets;datum;score\n1001;goethe b1 lezen;{dutch(day)};70\n".encode()
    client.force_login(teacher_a1)
    url = reverse("results_import", args=[school_a.pk])
    before = upload(client, url, "r.csv", text)
    assert "There is no test “goethe b1 lezen”" in before.content.decode()
    InstrumentAlias.objects.create(instrument=goethe_reading, name="Goethe B1 lezen")
    after = upload(client, url, "r.csv", text)
    assert "1 new, 0 changed, 0 unchanged, 0 with an error" in after.content.decode()
    confirm(client)
    assert Result.objects.get().instrument == goethe_reading


def test_an_admin_adds_other_names_on_the_instruments_page(admin_client, goethe_reading):
    url = reverse("admin:schools_instrument_change", args=[goethe_reading.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and "aliases-TOTAL_FORMS" in page.content.decode()


def test_a_name_is_given_to_an_instrument_once_whatever_its_case(goethe_reading):
    InstrumentAlias.objects.create(instrument=goethe_reading, name="Goethe Lesen")
    with pytest.raises(IntegrityError), transaction.atomic():
        InstrumentAlias.objects.create(instrument=goethe_reading, name="GOETHE LESEN")
