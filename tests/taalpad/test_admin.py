import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

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
    assert admin_client_with_data.get(reverse("admin:accounts_invitation_add")).status_code == 403
    assert admin_client_with_data.get(reverse("admin:accounts_claimcode_add")).status_code == 403


def test_the_pupil_admin_finds_a_pupil_by_number(admin_client_with_data, pupil_a1):
    response = admin_client_with_data.get(reverse("admin:schools_pupil_changelist"), {"q": "1001"})
    assert pupil_a1.family_name in response.content.decode()


def test_staff_without_admin_rights_cannot_open_the_admin(client, teacher_a1):
    client.post(reverse("account_login"), {"login": teacher_a1.email, "password": PASSWORD})
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_result_edits_in_the_admin_keep_the_level_table_in_step(
    admin_client_with_data, teacher_a1, pupil_a1, rated_speaking
):
    from core.cefr import Level
    from schools import levels
    from schools.models import LevelPeriod
    from schools.services import result_record
    from tests.conftest import TODAY

    result = result_record(
        by=teacher_a1, pupil=pupil_a1, instrument=rated_speaking, assessed_on=TODAY, level=Level.A2
    )
    url = reverse("admin:schools_result_change", args=[result.pk])
    page = admin_client_with_data.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name != "entered_at"}
    entered = timezone.localtime(result.entered_at)
    data.update(
        level=Level.B2,
        assessed_on=TODAY.isoformat(),
        entered_at_0=entered.date().isoformat(),
        entered_at_1=entered.strftime("%H:%M:%S"),
    )
    response = admin_client_with_data.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    periods = LevelPeriod.objects.filter(pupil=pupil_a1)
    assert list(periods.values_list("spoken_interaction", flat=True)) == [Level.B2]
    delete = reverse("admin:schools_result_delete", args=[result.pk])
    assert admin_client_with_data.post(delete, {"post": "yes"}).status_code == 302
    assert not LevelPeriod.objects.filter(pupil=pupil_a1).exists()
    assert levels.differences()[:2] == (0, 0)
