"""Writes of partners and exchange activities: validated, atomic, easy to grep."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from schools.models import Pupil

from .places import coordinates_of


@transaction.atomic
def partner_save(*, partner):
    """Create or change a partner; a known city gets its coordinates for the map."""
    if partner.latitude is None and partner.longitude is None:
        known = coordinates_of(partner.city)
        if known:
            partner.latitude, partner.longitude = (Decimal(str(v)) for v in known)
    partner.full_clean()
    partner.save()
    return partner


def _check_dates_and_hours(activity):
    errors = {}
    if activity.starts_on and activity.ends_on and activity.ends_on < activity.starts_on:
        errors["ends_on"] = _("The end date lies before the start date.")
    elif activity.starts_on and activity.ends_on and activity.contact_hours is not None:
        days = (activity.ends_on - activity.starts_on).days + 1
        if activity.contact_hours > 24 * days:
            errors["contact_hours"] = _("%(hours)s hours do not fit in %(days)d day(s).") % {
                "hours": activity.contact_hours,
                "days": days,
            }
    if activity.contact_hours is not None and activity.contact_hours < 0:
        errors["contact_hours"] = _("Contact hours cannot be negative.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def exchange_save(*, activity, partners, organisers):
    _check_dates_and_hours(activity)
    activity.full_clean()
    staff = set(activity.school.memberships.values_list("user_id", flat=True))
    if any(user.pk not in staff for user in organisers):
        raise ValidationError({"organisers": _("Organisers are staff of this school.")})
    activity.save()
    activity.partners.set(partners)
    activity.organisers.set(organisers)
    return activity


def _pupils_of_school_on(activity):
    """Pupils enrolled at the activity's school on its first day."""
    return Pupil.objects.filter(
        enrolments__group__school=activity.school,
        enrolments__starts_on__lte=activity.starts_on,
        enrolments__ends_on__gte=activity.starts_on,
    )


@transaction.atomic
def participants_add_group(*, activity, group):
    """Add every pupil who is in `group` on the activity's first day."""
    if group.school_id != activity.school_id:
        raise ValidationError(_("Choose a group of this school."))
    day = activity.starts_on
    pupils = Pupil.objects.filter(
        enrolments__group=group, enrolments__starts_on__lte=day, enrolments__ends_on__gte=day
    ).distinct()
    before = activity.participants.count()
    activity.participants.add(*pupils)
    return activity.participants.count() - before


@transaction.atomic
def participants_add(*, activity, pupils):
    allowed = set(_pupils_of_school_on(activity).values_list("pk", flat=True))
    strangers = [p for p in pupils if p.pk not in allowed]
    if strangers:
        raise ValidationError(
            _("%(name)s is not a pupil of this school on %(date)s.")
            % {"name": strangers[0].full_name, "date": activity.starts_on}
        )
    activity.participants.add(*pupils)


@transaction.atomic
def participants_remove(*, activity, pupil):
    activity.participants.remove(pupil)


@transaction.atomic
def exchange_delete(*, activity):
    activity.delete()
