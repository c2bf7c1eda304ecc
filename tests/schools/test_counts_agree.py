"""“Pupils”, “assessed” and “met” mean the same on every page of a school for one date."""

import datetime

from django.urls import reverse

from schools.models import Pupil
from tests.conftest import TODAY, enrol, make_group, make_pupil


def test_a_schools_pupils_agree_across_its_pages(
    client, coordinator_a, school_a, school_year, group_a1, lea_target
):
    first_years = make_group(school_a, school_year, "H1A", year_level=1)
    for number in range(3):
        enrol(make_pupil(school_a, f"30{number}", "Drie", f"Nummer {number}"), group_a1)
    for number in range(2):
        enrol(make_pupil(school_a, f"10{number}", "Een", f"Nummer {number}"), first_years)
    make_pupil(school_a, "999", "Nog", "Niet ingeschreven")  # a record, no enrolment
    left = make_pupil(school_a, "998", "Al", "Vertrokken")
    enrolment = enrol(left, group_a1)
    enrolment.ends_on = TODAY - datetime.timedelta(days=1)
    enrolment.save()

    client.force_login(coordinator_a)
    detail = client.get(reverse("school_detail", args=[school_a.pk]))
    assert detail.context["enrolled_today"] == 5
    assert sum(group.pupil_count for group in detail.context["groups"]) == 5
    assert Pupil.objects.filter(school=school_a).count() == 7  # the records, labelled so
    assert "7 pupil records" in detail.content.decode()

    board = client.get(reverse("school_dashboard", args=[school_a.pk])).context["board"]
    # The target covers year 3 and 4: the three in H3A, not the first years, not the leaver.
    assert board.headline.population == 3
    group_page = client.get(reverse("group_detail", args=[group_a1.pk]))
    assert len(group_page.context["rows"]) == 3
    assert group_page.context["coverage"][0] == board.headline.by_skill["listening"]["assessed"]
    dashboard_page = client.get(reverse("school_dashboard", args=[school_a.pk])).content.decode()
    assert "Population: the pupils enrolled on that date" in dashboard_page
