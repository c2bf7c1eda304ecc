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
        model_admin = admin.site._registry[model]
        if model_admin.has_add_permission(_request_for(admin_client_with_data)):
            assert admin_client_with_data.get(reverse("admin:%s_%s_add" % info)).status_code == 200


def _request_for(client):
    from django.test import RequestFactory

    from taalpad.models import User

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(email="admin@city.test")
    return request


def test_invitations_and_codes_cannot_be_added_by_hand(admin_client_with_data):
    assert admin_client_with_data.get(reverse("admin:taalpad_invitation_add")).status_code == 403
    assert admin_client_with_data.get(reverse("admin:taalpad_claimcode_add")).status_code == 403


def test_the_pupil_admin_finds_a_pupil_by_number(admin_client_with_data, pupil_a1):
    response = admin_client_with_data.get(reverse("admin:schools_pupil_changelist"), {"q": "1001"})
    assert pupil_a1.family_name in response.content.decode()


def test_staff_without_admin_rights_cannot_open_the_admin(client, teacher_a1):
    client.post(reverse("account_login"), {"login": teacher_a1.email, "password": PASSWORD})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url
