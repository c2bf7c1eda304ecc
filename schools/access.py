"""The one place that decides who may see what.

Every page, API endpoint, export and chart asks this module; nothing filters on its own.
Roles are read from memberships on every request, so a revoked membership takes effect on the
next request. Querysets answer "which objects"; an object outside them is a 404 to the caller,
so its existence is never revealed. Roles come from `accounts.roles`, role checks (403) from
`accounts.decorators`; which exchange activities, from `exchanges.access`.

Who sees what (docs/design.md, "Who uses TaalPad"):
- pupil: their own record, results, enrolments and exchanges;
- teacher: the pupils who are or were in a group they teach, with those pupils' whole history;
- coordinator: everything of their own school(s);
- municipality: no pupil rows at all, only aggregates from the progress layer;
- admin: the Django admin (and everything through the API).
"""

import datetime

from django.db.models import Exists, F, OuterRef, Q

from accounts.models import Membership
from accounts.roles import Role, has_role, is_admin, pupil_of, roles_of, school_ids
from schools.models import Enrolment, Group, Pupil, Result, School, SchoolYear

# Querysets ----------------------------------------------------------------------------------


def schools_visible_to(user):
    """Schools whose name and figures the user may see."""
    if is_admin(user) or has_role(user, Role.MUNICIPALITY):
        return School.objects.all()
    ids = school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    pupil = pupil_of(user)
    if pupil is not None:
        ids.append(pupil.school_id)
    return School.objects.filter(pk__in=ids)


def schools_staffed_by(user):
    """Schools where the user teaches or coordinates: where they may enter and import results."""
    return School.objects.filter(
        pk__in=school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    )


def schools_managed_by(user):
    """Schools the user coordinates: groups, pupils, staff and accounts."""
    return School.objects.filter(pk__in=school_ids(user, Membership.Role.COORDINATOR))


def pupils_managed_by(user):
    """Pupils a coordinator manages: of their schools now, or enrolled there at any time."""
    managed = school_ids(user, Membership.Role.COORDINATOR)
    return Pupil.objects.filter(
        Q(school_id__in=managed)
        | Q(pk__in=Enrolment.objects.filter(group__school_id__in=managed).values("pupil_id"))
    )


def groups_visible_to(user):
    """Groups whose pupil lists the user may open."""
    if is_admin(user):
        return Group.objects.all()
    coordinated = school_ids(user, Membership.Role.COORDINATOR)
    staff_at = school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    return Group.objects.filter(
        Q(school_id__in=coordinated) | Q(teachers=user, school_id__in=staff_at)
    ).distinct()


def groups_taught_by(user, *, school_year):
    """Groups the user teaches in a school year, at schools where they are still staff."""
    if school_year is None:
        return Group.objects.none()
    staff_at = school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    return (
        Group.objects.filter(teachers=user, school_year=school_year, school_id__in=staff_at)
        .select_related("school", "school_year")
        .order_by("school__name", "year_level", "name")
    )


def pupils_visible_to(user):
    """Pupil records the user may see; the municipality sees none."""
    if not user.is_authenticated or not user.is_active:
        return Pupil.objects.none()
    if is_admin(user):
        return Pupil.objects.all()
    coordinated = school_ids(user, Membership.Role.COORDINATOR)
    taught = Group.objects.filter(
        teachers=user,
        school_id__in=school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR),
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
    if is_admin(user):
        return visible
    staff_at = school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
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


# Predicates ---------------------------------------------------------------------------------


def can_change_result(user, result):
    """Whether the user may enter, correct or delete `result` (also one not yet saved):
    teachers of the pupil and coordinators of the pupil's school, for a result dated within
    one of the pupil's enrolments at that school; never the pupil. The school the pupil
    belongs to now changes only results of its own periods; a school the pupil left changes
    nothing."""
    if not roles_of(user) & {Role.TEACHER, Role.COORDINATOR}:
        return False
    staff_at = school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    visible = pupils_visible_to(user).filter(pk=result.pupil_id, school_id__in=staff_at)
    if result.assessed_on is None:
        return visible.exists()
    return visible.filter(
        enrolments__group__school_id=F("school_id"),
        enrolments__starts_on__lte=result.assessed_on,
        enrolments__ends_on__gte=result.assessed_on,
    ).exists()


def can_manage_school(user, school):
    return school.pk in school_ids(user, Membership.Role.COORDINATOR)


def can_manage_group(user, group):
    return can_manage_school(user, group.school)


def can_see_school_aggregates(user, school):
    """Coordinators see their own school in full; the municipality sees every school,
    suppressed by the progress layer."""
    return (
        is_admin(user)
        or has_role(user, Role.MUNICIPALITY)
        or can_manage_school(user, school)
        or school.pk in school_ids(user, Membership.Role.TEACHER)
    )


def current_school_year(today=None):
    today = today or datetime.date.today()
    return SchoolYear.objects.filter(start_year=SchoolYear.start_year_of(today)).first()
