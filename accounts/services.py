"""Writes about accounts: invitations, one-time codes, profiles."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import ClaimCode, Invitation, Membership

User = get_user_model()

# Unambiguous characters only: no 0/O, 1/I/L, so a printed code is easy to type.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# Pupils without e-mail get a login name in a domain that can never receive mail.
PUPIL_LOGIN_DOMAIN = "leerling.taalpad.invalid"


def secret_digest(secret):
    """How TaalPad keeps a secret it must recognise but never show again (invitation links,
    one-time codes, API tokens): its SHA-256 digest. Each is long and random, so no salt."""
    return hashlib.sha256(str(secret).encode()).hexdigest()


def normalise_code(code):
    return "".join(ch for ch in str(code).upper() if ch in CODE_ALPHABET)


def _new_code():
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _find_user(email):
    return User.objects.filter(email__iexact=email.strip()).first()


def _send_invitation(invitation, token, *, site_url):
    link = site_url.rstrip("/") + reverse("invitation_accept", args=[token])
    context = {"invitation": invitation, "link": link, "days": settings.TAALPAD_INVITATION_DAYS}
    send_mail(
        subject=render_to_string("emails/invitation_subject.txt", context).strip(),
        message=render_to_string("emails/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.user.email],
    )


def _invitation_create(*, user, school, by, site_url):
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        school=school,
        invited_by=by,
        token_hash=secret_digest(token),
        expires_at=timezone.now() + datetime.timedelta(days=settings.TAALPAD_INVITATION_DAYS),
    )
    # Sent last inside the transaction: if the mail cannot be sent, no account is left behind.
    _send_invitation(invitation, token, site_url=site_url)
    return invitation


@transaction.atomic
def staff_invite(*, by, school, email, name, role, site_url):
    """Give a person a staff role at a school, making and inviting an account if needed.

    Someone who already has an account gets the role at once and no invitation.
    """
    email = email.strip().lower()
    user = _find_user(email)
    if user is not None and Membership.objects.filter(user=user, school=school).exists():
        raise ValidationError({"email": _("This person already has a role at this school.")})
    if user is None:
        user = User(email=email, name=name.strip())
        user.set_unusable_password()
        user.full_clean()
        user.save()
    Membership.objects.create(user=user, school=school, role=role)
    if user.has_usable_password():
        return None
    return _invitation_create(user=user, school=school, by=by, site_url=site_url)


@transaction.atomic
def pupil_invite(*, by, pupil, site_url):
    """Make an account for a pupil with an e-mail address and send them an invitation."""
    if not pupil.email:
        raise ValidationError(
            _("This pupil has no e-mail address: print one-time codes for the group instead.")
        )
    if pupil.user_id and pupil.user.has_usable_password():
        raise ValidationError(_("This pupil already uses an account."))
    user = pupil.user or _find_user(pupil.email)
    if user is not None and user.pk != pupil.user_id:
        raise ValidationError(_("Another account already uses this e-mail address."))
    if user is None:
        user = User(email=pupil.email.lower(), name=pupil.full_name)
        user.set_unusable_password()
        user.save()
        pupil.user = user
        pupil.save(update_fields=["user"])
    Invitation.objects.filter(user=user, accepted_at__isnull=True).delete()
    return _invitation_create(user=user, school=pupil.school, by=by, site_url=site_url)


@transaction.atomic
def account_invite(*, by, user, site_url):
    """Invite someone an administrator made an account for (municipality staff, coordinators)."""
    if user.has_usable_password():
        raise ValidationError(_("%(email)s already has a password.") % {"email": user.email})
    Invitation.objects.filter(user=user, accepted_at__isnull=True).delete()
    membership = Membership.objects.filter(user=user).select_related("school").first()
    return _invitation_create(
        user=user, school=membership.school if membership else None, by=by, site_url=site_url
    )


@transaction.atomic
def invitation_resend(*, invitation, by, site_url):
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has been accepted already."))
    user, school = invitation.user, invitation.school
    invitation.delete()
    return _invitation_create(user=user, school=school, by=by, site_url=site_url)


def invitation_for_token(token):
    """The open invitation for a link's secret, or None when unknown, used or expired."""
    return (
        Invitation.objects.filter(
            token_hash=secret_digest(token), accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("user", "school")
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation, password, name=""):
    user = invitation.user
    validate_password(password, user)
    user.set_password(password)
    if name.strip():
        user.name = name.strip()
    user.save(update_fields=["password", "name"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


def _pupil_login(pupil):
    local = slugify(f"{pupil.school.brin}-{pupil.pupil_number}") or f"pupil-{pupil.pk}"
    return f"{local}@{PUPIL_LOGIN_DOMAIN}"


@transaction.atomic
def claim_codes_issue(*, by, pupils):
    """New one-time codes for pupils who have not set a password yet.

    Returns (pupil, login, code) per pupil. Earlier codes of these pupils stop working; a
    pupil who already uses their account is skipped.
    """
    issued = []
    expires_at = timezone.now() + datetime.timedelta(days=settings.TAALPAD_CLAIM_CODE_DAYS)
    for pupil in pupils:
        user = pupil.user
        if user is not None and user.has_usable_password():
            continue
        if user is None:
            user = User(email=pupil.email.lower() or _pupil_login(pupil), name=pupil.full_name)
            if _find_user(user.email):
                user.email = _pupil_login(pupil)
            user.set_unusable_password()
            user.save()
            pupil.user = user
            pupil.save(update_fields=["user"])
        code = _new_code()
        ClaimCode.objects.update_or_create(
            user=user,
            defaults={
                "code_hash": secret_digest(normalise_code(code)),
                "created_by": by,
                "expires_at": expires_at,
            },
        )
        issued.append((pupil, user.email, code))
    return issued


def claim_code_lookup(code):
    return (
        ClaimCode.objects.filter(
            code_hash=secret_digest(normalise_code(code)), expires_at__gt=timezone.now()
        )
        .select_related("user")
        .first()
    )


@transaction.atomic
def claim_code_redeem(*, claim, password):
    """Set the password of the account behind a one-time code; the code is then spent."""
    user = claim.user
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    claim.delete()
    return user


def profile_update(*, user, name, preferred_language):
    user.name = name.strip()
    user.preferred_language = preferred_language
    user.full_clean(validate_unique=False)
    user.save(update_fields=["name", "preferred_language"])
    return user


# API tokens ---------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, user):
    """A new API token for `user`, replacing any earlier one. Returns the key: it is shown
    once, only its digest is kept."""
    from accounts.models import ApiToken

    key = secrets.token_hex(20)
    ApiToken.objects.update_or_create(
        user=user, defaults={"digest": secret_digest(key), "prefix": key[:6]}
    )
    return key


def api_token_revoke(*, user):
    from accounts.models import ApiToken

    ApiToken.objects.filter(user=user).delete()
