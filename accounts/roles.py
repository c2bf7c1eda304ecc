"""Who a person is in TaalPad: their roles, read from their memberships, municipality
membership, pupil record and admin flag on every request (a revoked membership takes effect
on the next request), and where each role starts. What each role may see is decided in
`schools.access` (and `exchanges.access`) from these roles."""

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PUPIL = "pupil", _("pupil")
    TEACHER = "teacher", _("teacher")
    COORDINATOR = "coordinator", _("coordinator")
    MUNICIPALITY = "municipality", _("municipality")
    ADMIN = "admin", _("administrator")


# Everyone who works with TaalPad rather than learns with it (their sessions are shorter).
STAFF_ROLES = frozenset({Role.TEACHER, Role.COORDINATOR, Role.MUNICIPALITY, Role.ADMIN})
# Staff who work with a school's pupils: the municipality is not among them.
SCHOOL_STAFF_ROLES = frozenset({Role.TEACHER, Role.COORDINATOR, Role.ADMIN})
# Who may read pupil data at all (each only what the access layer gives them).
PUPIL_DATA_ROLES = SCHOOL_STAFF_ROLES | {Role.PUPIL}
# Roles that see many pupils or the whole city must log in with a second factor.
TWO_FACTOR_ROLES = frozenset({Role.COORDINATOR, Role.MUNICIPALITY, Role.ADMIN})

# Where each role starts after logging in; a person with several roles starts at the first.
START_PAGES = [
    (Role.MUNICIPALITY, "municipality_start"),
    (Role.COORDINATOR, "coordinator_start"),
    (Role.TEACHER, "teacher_start"),
    (Role.PUPIL, "pupil_start"),
    (Role.ADMIN, "admin:index"),
]


# Roles --------------------------------------------------------------------------------------


def memberships_of(user):
    """The user's school memberships with their schools, read once per request (on a signed-in
    request they come with the user: `accounts.identity`)."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_taalpad_memberships"):
        remember_memberships(
            user, user.memberships.select_related("school").order_by("school__name")
        )
    return user._taalpad_memberships


def remember_memberships(user, memberships):
    """Keep `memberships` (with their schools, by school name) as the user's for this request."""
    user._taalpad_memberships = list(memberships)


def pupil_of(user):
    """The pupil record linked to this account, or None. Loaded with the user by the login
    backends (`accounts.backends`), so it costs no query on a request."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_taalpad_pupil"):
        try:
            user._taalpad_pupil = user.pupil
        except ObjectDoesNotExist:
            user._taalpad_pupil = None
    return user._taalpad_pupil


def roles_of(user):
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if not hasattr(user, "_taalpad_roles"):
        roles = {Role(membership.role) for membership in memberships_of(user)}
        if hasattr(user, "municipality_member"):
            roles.add(Role.MUNICIPALITY)
        if pupil_of(user) is not None:
            roles.add(Role.PUPIL)
        if user.is_staff:
            roles.add(Role.ADMIN)
        user._taalpad_roles = frozenset(roles)
    return user._taalpad_roles


def has_role(user, role):
    return role in roles_of(user)


def start_url(user):
    roles = roles_of(user)
    for role, url_name in START_PAGES:
        if role in roles:
            return reverse(url_name)
    return reverse("no_role")


def school_ids(user, *roles):
    """Ids of the schools where the user holds one of `roles` (teacher, coordinator)."""
    return [m.school_id for m in memberships_of(user) if m.role in roles]


def is_admin(user):
    return user.is_authenticated and user.is_active and user.is_superuser


def needs_two_factor(user):
    return bool(roles_of(user) & TWO_FACTOR_ROLES)


def is_staff_session(user):
    return bool(roles_of(user) & STAFF_ROLES)
