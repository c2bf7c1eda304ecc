import pytest
from django.contrib import admin
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.fixture
def admin_client_with_data(client, admin_user, pupil_a1, teacher_a1, coordinator_a, municipality):
    client.force_login(admin_user)
    return client


def test_every_registered_model_has_a_working_list_and_add_page(admin_client_with_data):
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        listing = admin_client_with_data.get(reverse("admin:%s_%s_changelist" % info), {"q": "a"})
        assert listing.status_code == 200, info
        assert admin_client_with_data.get(reverse("admin:%s_%s_add" % info)).status_code == 200


def test_the_pupil_admin_finds_a_pupil_by_number(admin_client_with_data, pupil_a1):
    response = admin_client_with_data.get(reverse("admin:schools_pupil_changelist"), {"q": "1001"})
    assert pupil_a1.family_name in response.content.decode()


def test_staff_without_admin_rights_cannot_open_the_admin(client, teacher_a1):
    client.post(reverse("account_login"), {"login": teacher_a1.email, "password": PASSWORD})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url
