"""The council report as a page: the dashboard's figures, the projection in one sentence,
the method and the privacy notes; printable, no pupil in it."""

from django.urls import reverse

from schools.models import Pupil
from taalpad import dashboard
from tests.progress.test_dashboard import TODAY, build_city
from tests.progress.test_dashboard import target as target  # noqa: F401 - the fixture


def test_the_report_page_carries_the_dashboards_figures(client, municipality, target, settings):
    settings.TAALPAD_MIN_CELL = 5
    build_city(120, schools=3)
    client.force_login(municipality)
    response = client.get(reverse("municipality_report_page"))
    assert response.status_code == 200
    page = response.content.decode()
    board = dashboard.build(target=target, on=TODAY, suppress=True)
    assert response.context["board"].headline == board.headline
    assert f"{round(board.headline.share * 100)} % of the pupils reach" in page
    for heading in ("Where the city stands", "Trend and projection", "Schools", "Exchanges"):
        assert heading in page
    assert "Method and privacy" in page and "reference dates only" in page
    assert "not enough history" in page  # one school year of results
    pupil = Pupil.objects.first()
    assert pupil.sort_name not in page  # counts, never a pupil
    assert reverse("municipality_chart", args=["trend"]) in page
