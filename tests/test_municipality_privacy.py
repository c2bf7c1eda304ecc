"""The municipality never sees a pupil: no name and no pupil number on any page it reaches."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from schools.models import Pupil
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
    reachable = []
    for name, (method, _kwargs, statuses) in MATRIX.items():
        if method == "get" and statuses["municipality"] == 200 and "{" not in name:
            try:
                url = reverse(name)
            except Exception:  # URLs with objects are all staff-only (403 in the matrix)
                continue
            response = client.get(url, follow=True)
            assert response.status_code == 200
            reachable.append(url)
            content = response.content.decode()
            for given, family, number in pupils:
                assert f"{given} {family}" not in content, url
                assert number not in content, url
    assert reverse("municipality_start") in reachable
