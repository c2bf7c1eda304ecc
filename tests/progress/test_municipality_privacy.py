"""The municipality never sees a pupil: no name and no pupil number on any page it reaches."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from progress.models import Target
from schools.models import Pupil, School
from taalpad.models import User
from tests.test_permissions import MATRIX


@pytest.mark.django_db
def test_no_page_the_municipality_reaches_names_a_pupil(client):
    call_command(
        "seed_demo",
        "--pupils",
        "150",
        "--today",
        "2026-11-28",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    client.force_login(User.objects.get(email="gemeente@taalpad.example"))
    pupils = list(Pupil.objects.values_list("given_name", "family_name", "pupil_number"))
    target = Target.objects.get(name__startswith="LEA 2030")
    reachable = []
    for name, (method, kwargs, statuses) in MATRIX.items():
        if method != "get" or statuses["municipality"] != 200:
            continue
        if name.startswith("municipality_school_trend"):  # every school the target counts
            urls = [
                reverse(name, kwargs={"school_id": pk}) + f"?target={target.pk}"
                for pk in School.objects.filter(sector__in=target.sectors).values_list(
                    "pk", flat=True
                )
            ]
        else:
            urls = [reverse(name, kwargs=kwargs({"target": target}))]
        if name == "municipality_export":
            urls = [
                reverse(name, kwargs={"table": table, "fmt": "csv"})
                for table in ("schools", "tracks", "years", "trend", "distribution")
            ]
        if name == "municipality_chart":
            urls = [
                reverse(name, kwargs={"kind": kind})
                for kind in ("trend", "schools", "distribution")
            ]
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            reachable.append(url)
            if response["Content-Type"] == "application/pdf":
                # The report is drawn from the same suppressed tables as the exports above.
                assert response.content.startswith(b"%PDF")
                continue
            content = response.content.decode("utf-8-sig")
            for given, family, number in pupils:
                assert f"{given} {family}" not in content, url
                assert number not in content, url
    assert reverse("municipality_start") in reachable
    assert len(reachable) >= 10
