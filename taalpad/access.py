"""The one place that decides who may see what.

Every page, API endpoint, export and chart asks this module; nothing filters on its own.
Roles are read from memberships on every request, so a revoked membership takes effect
on the next request.
"""

import datetime

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from schools.models import Group, Membership, Pupil, School, SchoolYear


class Role(models.TextChoices):
    PUPIL = "pupil", _("pupil")
    TEACHER = "teacher", _("teacher")
    COORDINATOR = "coordinator", _("coordinator")
    MUNICIPALITY = "municipality", _("municipality")
    ADMIN = "admin", _("administrator")


# Where each role starts after logging in; a person with several roles starts at the first.
START_PAGES = [
    (Role.MUNICIPALITY, "municipality_start"),
    (Role.COORDINATOR, "coordinator_start"),
    (Role.TEACHER, "teacher_start"),
    (Role.PUPIL, "pupil_start"),
    (Role.ADMIN, "admin:index"),
]


def memberships_of(user):
    """The user's school memberships with their schools, read once per request."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_taalpad_memberships"):
        user._taalpad_memberships = list(
            Membership.objects.filter(user=user).select_related("school").order_by("school__name")
        )
    return user._taalpad_memberships


def pupil_of(user):
    """The pupil record linked to this account, or None."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_taalpad_pupil"):
        user._taalpad_pupil = Pupil.objects.filter(user=user).select_related("school").first()
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


def schools_with_role(user, *roles):
    """Schools where the user holds one of `roles` (any staff role if none is named)."""
    wanted = set(roles) or {Membership.Role.TEACHER, Membership.Role.COORDINATOR}
    return [m.school for m in memberships_of(user) if m.role in wanted]


def current_school_year(today=None):
    today = today or datetime.date.today()
    return SchoolYear.objects.filter(start_year=SchoolYear.start_year_of(today)).first()


def groups_taught_by(user, *, school_year):
    """Groups the user teaches in a school year, at schools where they are still staff."""
    if school_year is None:
        return Group.objects.none()
    return (
        Group.objects.filter(
            teachers=user,
            school_year=school_year,
            school__memberships__user=user,
        )
        .select_related("school", "school_year")
        .order_by("school__name", "year_level", "name")
    )


def schools_coordinated_by(user):
    return School.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.COORDINATOR
    )
