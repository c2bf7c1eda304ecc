"""Which exchange activities a person may see: the access layer's part for exchanges."""

from django.db.models import Q

from accounts.models import Membership
from accounts.roles import is_admin, pupil_of, school_ids
from exchanges.models import ExchangeActivity


def exchanges_visible_to(user):
    """Activities of the user's schools; a pupil sees the ones they took part in."""
    if is_admin(user):
        return ExchangeActivity.objects.all()
    condition = Q(
        school_id__in=school_ids(user, Membership.Role.TEACHER, Membership.Role.COORDINATOR)
    )
    pupil = pupil_of(user)
    if pupil is not None:
        condition |= Q(participants=pupil)
    return ExchangeActivity.objects.filter(condition).distinct()
