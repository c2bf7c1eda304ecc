"""The accounts' own records: municipality membership, invitations, one-time codes, the
append-only trail of who opened which pupil record, and hashed API tokens. The user model
itself stays in `taalpad` (a swappable user model cannot move without breaking databases)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Membership(models.Model):
    """A member of staff at a school; teachers are also linked to the groups they teach."""

    class Role(models.TextChoices):
        TEACHER = "teacher", _("teacher")
        COORDINATOR = "coordinator", _("coordinator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("school"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "schools_membership"  # the table it had in schools/, kept when it moved
        verbose_name = _("school membership")
        verbose_name_plural = _("school memberships")
        ordering = ["school", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school"],
                name="membership_unique_per_school",
                violation_error_message=_("This person already has a role at this school."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=["teacher", "coordinator"]),
                name="membership_role_valid",
                violation_error_message=_("Unknown role."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.school}"


class MunicipalityMember(models.Model):
    """A policy officer or analyst of the city: reads aggregates, manages targets."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="municipality_member"
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "taalpad_municipalitymember"  # the table it had in taalpad/, kept when it moved
        verbose_name = _("municipality member")
        verbose_name_plural = _("municipality members")

    def __str__(self):
        return str(self.user)


class Invitation(models.Model):
    """A link that lets an invited person choose the password of an account made for them.

    Only a hash of the secret in the link is stored, so a database copy opens no account.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("invited person"),
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("school"),
        help_text=_("Empty for municipality staff, who are invited by an administrator."),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        db_table = "taalpad_invitation"  # the table it had in taalpad/, kept when it moved
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} ({self.school or _('municipality')})"


class ClaimCode(models.Model):
    """A one-time code on a printed sheet with which a pupil without e-mail claims an account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="claim_code",
        verbose_name=_("account"),
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))

    class Meta:
        db_table = "taalpad_claimcode"  # the table it had in taalpad/, kept when it moved
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self):
        return str(self.user)


class PupilAccess(models.Model):
    """Who read or changed which pupil's record, and when: an append-only audit trail.

    Database triggers refuse every UPDATE and DELETE of these rows, so the application itself
    cannot alter the trail. Plain ids, not foreign keys: the trail outlives accounts.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CHANGE = "change", _("changed")
        DOWNLOAD = "download", _("downloaded")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user_id = models.BigIntegerField(_("account"), null=True)
    pupil_id = models.BigIntegerField(_("pupil"), db_index=True)
    action = models.CharField(_("what"), max_length=10, choices=Action.choices)
    path = models.CharField(_("where"), max_length=300, blank=True)

    class Meta:
        db_table = "taalpad_pupilaccess"  # the table it had in taalpad/, kept when it moved
        verbose_name = _("pupil record access")
        verbose_name_plural = _("pupil record accesses")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.pupil_id}"


class ApiToken(models.Model):
    """A person's API token, stored as its SHA-256 digest: the key itself is shown once, when
    it is made, and cannot be read back from the database. One per person; making a new one
    replaces it. (The key has 160 random bits, so an unsalted digest is enough.)"""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_token",
        verbose_name=_("user"),
    )
    digest = models.CharField(max_length=64, unique=True)
    # The first characters of the key, so that a person can tell which token is meant.
    prefix = models.CharField(_("starts with"), max_length=8)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "taalpad_apitoken"  # the table it had in taalpad/, kept when it moved
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}…"
