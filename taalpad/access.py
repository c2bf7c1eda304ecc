"""The one place that decides who may see what.

Every page, API endpoint, export and chart asks this module; nothing filters on its own.
Roles are read from memberships on every request, so a revoked membership takes effect on the
next request. Querysets answer "which objects"; an object outside them is a 404 to the caller,
so its existence is never revealed. Role checks (403) come from `taalpad.decorators`.

Who sees what (DESIGN.md, "Users and what each may see"):
- pupil: their own record, results, enrolments and exchanges;
- teacher: the pupils who are or were in a group they teach, with those pupils' whole history;
- coordinator: everything of their own school(s);
- municipality: no pupil rows at all, only aggregates from the progress layer;
- admin: the Django admin (and everything through the API).
"""

import datetime

from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from exchanges.models import ExchangeActivity
from schools.models import Enrolment, Group, Membership, Pupil, Result, School, SchoolYear


class Role(models.TextChoices):
    PUPIL = "pupil", _("pupil")
    TEACHER = "teacher", _("teacher")
    COORDINATOR = "coordinator", _("coordinator")
    MUNICIPALITY = "municipality", _("municipality")
    ADMIN = "admin", _("administrator")


STAFF_ROLES = frozenset({Role.TEACHER, Role.COORDINATOR, Role.MUNICIPALITY, Role.ADMIN})
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


def _school_ids(user, *roles):
    return [m.school_id for m in memberships_of(user) if m.role in roles]


def _is_admin(user):
    return user.is_authenticated and user.is_active and user.is_superuser


# Querysets ----------------------------------------------------------------------------------


def schools_visible_to(user):
    """Schools whose name and figures the user may see."""
    if _is_admin(user) or has_role(user, Role.MUNICIPALITY):
        return School.objects.all()
    ids = _school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    pupil = pupil_of(user)
    if pupil is not None:
        ids.append(pupil.school_id)
    return School.objects.filter(pk__in=ids)


def schools_staffed_by(user):
    """Schools where the user teaches or coordinates: where they may enter and import results."""
    return School.objects.filter(
        pk__in=_school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    )


def schools_managed_by(user):
    """Schools the user coordinates: groups, pupils, staff and accounts."""
    return School.objects.filter(pk__in=_school_ids(user, Membership.Role.COORDINATOR))


def pupils_managed_by(user):
    """Pupils a coordinator manages: of their schools now, or enrolled there at any time."""
    managed = _school_ids(user, Membership.Role.COORDINATOR)
    return Pupil.objects.filter(
        Q(school_id__in=managed)
        | Q(pk__in=Enrolment.objects.filter(group__school_id__in=managed).values("pupil_id"))
    )


def groups_visible_to(user):
    """Groups whose pupil lists the user may open."""
    if _is_admin(user):
        return Group.objects.all()
    coordinated = _school_ids(user, Membership.Role.COORDINATOR)
    staff_at = _school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    return Group.objects.filter(
        Q(school_id__in=coordinated) | Q(teachers=user, school_id__in=staff_at)
    ).distinct()


def groups_taught_by(user, *, school_year):
    """Groups the user teaches in a school year, at schools where they are still staff."""
    if school_year is None:
        return Group.objects.none()
    staff_at = _school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    return (
        Group.objects.filter(teachers=user, school_year=school_year, school_id__in=staff_at)
        .select_related("school", "school_year")
        .order_by("school__name", "year_level", "name")
    )


def pupils_visible_to(user):
    """Pupil records the user may see; the municipality sees none."""
    if not user.is_authenticated or not user.is_active:
        return Pupil.objects.none()
    if _is_admin(user):
        return Pupil.objects.all()
    coordinated = _school_ids(user, Membership.Role.COORDINATOR)
    taught = Group.objects.filter(
        teachers=user,
        school_id__in=_school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR),
    )
    condition = Q(pk__in=Enrolment.objects.filter(group__in=taught).values("pupil_id"))
    if coordinated:
        condition |= Q(school_id__in=coordinated) | Q(
            pk__in=Enrolment.objects.filter(group__school_id__in=coordinated).values("pupil_id")
        )
    pupil = pupil_of(user)
    if pupil is not None:
        condition |= Q(pk=pupil.pk)
    return Pupil.objects.filter(condition)


def results_visible_to(user):
    """Results the user may read. A pupil reads all of their own. Staff of a school read a
    pupil's results dated up to the last day of the pupil's enrolments there: what was entered
    during them and the earlier history that came with the pupil, never what a later school
    entered after the pupil left."""
    visible = Result.objects.filter(pupil__in=pupils_visible_to(user))
    if _is_admin(user):
        return visible
    staff_at = _school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    while_there = Exists(
        Enrolment.objects.filter(
            pupil_id=OuterRef("pupil_id"),
            group__school_id__in=staff_at,
            ends_on__gte=OuterRef("assessed_on"),
        )
    )
    pupil = pupil_of(user)
    if pupil is not None:
        return visible.filter(Q(pupil_id=pupil.pk) | while_there)
    return visible.filter(while_there)


def enrolments_visible_to(user):
    return Enrolment.objects.filter(pupil__in=pupils_visible_to(user))


def exchanges_visible_to(user):
    """Activities of the user's schools; a pupil sees the ones they took part in."""
    if _is_admin(user):
        return ExchangeActivity.objects.all()
    condition = Q(
        school_id__in=_school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    )
    pupil = pupil_of(user)
    if pupil is not None:
        condition |= Q(participants=pupil)
    return ExchangeActivity.objects.filter(condition).distinct()


# Predicates ---------------------------------------------------------------------------------


def can_change_result(user, result):
    """Whether the user may enter, correct or delete `result` (also one not yet saved):
    teachers of the pupil and coordinators of the pupil's school, for a result dated within
    one of the pupil's enrolments at that school; never the pupil. The school the pupil
    belongs to now changes only results of its own periods; a school the pupil left changes
    nothing."""
    if not roles_of(user) & {Role.TEACHER, Role.COORDINATOR}:
        return False
    staff_at = _school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    visible = pupils_visible_to(user).filter(pk=result.pupil_id, school_id__in=staff_at)
    if result.assessed_on is None:
        return visible.exists()
    return visible.filter(
        enrolments__group__school_id=F("school_id"),
        enrolments__starts_on__lte=result.assessed_on,
        enrolments__ends_on__gte=result.assessed_on,
    ).exists()


def can_manage_school(user, school):
    return school.pk in _school_ids(user, Membership.Role.COORDINATOR)


def can_manage_group(user, group):
    return can_manage_school(user, group.school)


def can_see_school_aggregates(user, school):
    """Coordinators see their own school in full; the municipality sees every school,
    suppressed by the progress layer."""
    return (
        _is_admin(user)
        or has_role(user, Role.MUNICIPALITY)
        or can_manage_school(user, school)
        or school.pk in _school_ids(user, Membership.Role.TEACHER)
    )


def needs_two_factor(user):
    return bool(roles_of(user) & TWO_FACTOR_ROLES)


def is_staff_session(user):
    return bool(roles_of(user) & STAFF_ROLES)


def current_school_year(today=None):
    today = today or datetime.date.today()
    return SchoolYear.objects.filter(start_year=SchoolYear.start_year_of(today)).first()
