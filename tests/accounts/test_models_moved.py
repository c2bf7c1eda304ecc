"""The accounts' models moved from taalpad/ to accounts/ without loss: a database built at the
migrations before the move (with a municipality member, an invitation, a one-time code and an
API token in it) migrates to the new layout with the same rows, the same content types (and so
the same permissions), and the member still has the municipality's role."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("taalpad", "0007_carry_api_tokens"), ("accounts", None)]


@pytest.mark.django_db(transaction=True)  # SQLite changes its schema outside a transaction
def test_a_database_from_before_the_move_keeps_its_accounts():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state([BEFORE[0]]).apps
    User = old.get_model("taalpad", "User")
    officer = User.objects.create(email="beleid@enschede.example", name="Beleid")
    pupil = User.objects.create(email="", name="Leerling")
    later = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    old.get_model("taalpad", "MunicipalityMember").objects.create(user=officer, title="analist")
    old.get_model("taalpad", "Invitation").objects.create(
        user=officer, token_hash="a" * 64, expires_at=later
    )
    old.get_model("taalpad", "ClaimCode").objects.create(
        user=pupil, code_hash="b" * 64, expires_at=later
    )
    old.get_model("taalpad", "ApiToken").objects.create(user=officer, digest="c" * 64, prefix="abc")
    ContentType = old.get_model("contenttypes", "ContentType")
    types_before = {
        model: ContentType.objects.get_or_create(app_label="taalpad", model=model)[0].pk
        for model in ("municipalitymember", "invitation", "claimcode", "pupilaccess", "apitoken")
    }

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType as Current

    from accounts.models import ApiToken, ClaimCode, Invitation, MunicipalityMember
    from accounts.roles import Role, roles_of

    assert MunicipalityMember.objects.get().title == "analist"
    assert Invitation.objects.get().token_hash == "a" * 64
    assert ClaimCode.objects.get().user.name == "Leerling"
    assert ApiToken.objects.get().prefix == "abc"
    types_after = {ct.model: ct.pk for ct in Current.objects.filter(model__in=list(types_before))}
    assert types_after == types_before  # the same rows, so permissions point where they did
    assert set(
        Current.objects.filter(pk__in=types_before.values()).values_list("app_label", flat=True)
    ) == {"accounts"}
    officer = get_user_model().objects.get(email="beleid@enschede.example")
    assert Role.MUNICIPALITY in roles_of(officer)
