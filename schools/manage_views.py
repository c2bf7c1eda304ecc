"""The coordinator's screens: groups, pupils and enrolments, staff, invitations, codes.

Each view checks the role (403) and then looks the object up through the access layer
(404 for another school's object).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import security_log
from accounts import services as account_services
from accounts.decorators import coordinator_only
from accounts.models import Invitation, Membership
from core.cefr import Level, Skill, Track
from core.forms import apply_errors
from core.inputs import search_text
from schools.access import current_school_year, pupils_managed_by, schools_managed_by

from . import selectors, services
from .forms import (
    EndEnrolmentForm,
    EnrolForm,
    GroupForm,
    MembershipForm,
    NewPupilForm,
    PupilForm,
    StaffInviteForm,
)
from .models import Enrolment, Group, Pupil
from .selectors import school_years_with_choice, staff_with_group_counts, with_pupil_counts


def _managed_school(request, school_id):
    return get_object_or_404(schools_managed_by(request.user), pk=school_id)


def _site_url(request):
    return request.build_absolute_uri("/")


@require_http_methods(["GET"])
@coordinator_only
def school_detail(request, school_id):
    school = _managed_school(request, school_id)
    years, school_year = school_years_with_choice(request.GET.get("year"))
    today = datetime.date.today()
    # This year: the pupils in each group today; another year: everyone who was in it.
    on = today if school_year == current_school_year() else None
    groups = (
        with_pupil_counts(Group.objects.filter(school=school, school_year=school_year), on=on)
        .prefetch_related("teachers")
        .order_by("year_level", "name")
    )
    context = {
        "title": school.name,
        "school": school,
        "years": years,
        "school_year": school_year,
        "groups": groups,
        "staff": school.memberships.select_related("user").order_by("role", "user__name"),
        "pupil_count": school.pupils.count(),
        "today": today,
        "enrolled_today": selectors.pupils_enrolled_at(school=school, on=today),
        "open_invitations": Invitation.objects.filter(school=school, accepted_at__isnull=True)
        .select_related("user")
        .order_by("-created_at"),
    }
    return render(request, "schools/manage/school_detail.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_only
def group_create(request, school_id):
    school = _managed_school(request, school_id)
    initial = {"school_year": current_school_year()}
    form = GroupForm(request.POST or None, school=school, initial=initial)
    return _group_form(request, form, school, _("New group"))


@require_http_methods(["GET", "POST"])
@coordinator_only
def group_edit(request, group_id):
    group = get_object_or_404(
        Group.objects.filter(school__in=schools_managed_by(request.user)), pk=group_id
    )
    form = GroupForm(request.POST or None, instance=group, school=group.school)
    return _group_form(
        request, form, group.school, _("Change group %(name)s") % {"name": group.name}
    )


def _group_form(request, form, school, title):
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_save(
                group=form.save(commit=False), teachers=form.cleaned_data["teachers"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Group %(name)s saved.") % {"name": group.name})
            return redirect("group_detail", group_id=group.pk)
    context = {"title": title, "school": school, "form": form}
    return render(request, "schools/manage/group_form.html", context)


@require_http_methods(["GET"])
@coordinator_only
def pupil_list(request, school_id):
    school = _managed_school(request, school_id)
    query = search_text(request.GET.get("q", ""))
    pupils = Pupil.objects.filter(school=school)
    if query:
        pupils = pupils.filter(
            Q(pupil_number__icontains=query)
            | Q(given_name__icontains=query)
            | Q(family_name__icontains=query)
        )
    total = pupils.count()
    context = {
        "title": _("Pupils of %(school)s") % {"school": school.name},
        "school": school,
        "query": query,
        "total": total,
        "pupils": pupils.select_related("user").order_by("family_name", "given_name")[:200],
    }
    return render(request, "schools/manage/pupil_list.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_only
def pupil_create(request, school_id):
    school = _managed_school(request, school_id)
    form = NewPupilForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            pupil = _create_and_enrol(form)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s added.") % {"name": pupil.full_name})
            return redirect("pupil_detail", pupil_id=pupil.pk)
    context = {"title": _("New pupil"), "school": school, "form": form}
    return render(request, "schools/manage/pupil_form.html", context)


def _create_and_enrol(form):
    from django.db import transaction

    with transaction.atomic():
        pupil = services.pupil_save(pupil=form.save(commit=False))
        services.pupil_enrol(
            pupil=pupil, group=form.cleaned_data["group"], starts_on=form.cleaned_data["starts_on"]
        )
    return pupil


def _managed_pupil(request, pupil_id):
    return get_object_or_404(pupils_managed_by(request.user), pk=pupil_id)


@require_http_methods(["GET", "POST"])
@coordinator_only
def pupil_edit(request, pupil_id):
    pupil = _managed_pupil(request, pupil_id)
    form = PupilForm(request.POST or None, instance=pupil, school=pupil.school)
    if request.method == "POST" and form.is_valid():
        try:
            services.pupil_save(pupil=form.save(commit=False))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("pupil_detail", pupil_id=pupil.pk)
    context = {
        "title": _("Change %(name)s") % {"name": pupil.full_name},
        "school": pupil.school,
        "form": form,
        "pupil": pupil,
    }
    return render(request, "schools/manage/pupil_form.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_only
def pupil_enrol(request, pupil_id):
    pupil = _managed_pupil(request, pupil_id)
    form = EnrolForm(request.POST or None, school=pupil.school)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.pupil_enrol(pupil=pupil, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is in %(group)s from %(date)s.")
                % {
                    "name": pupil.full_name,
                    "group": enrolment.group.name,
                    "date": enrolment.starts_on,
                },
            )
            return redirect("pupil_detail", pupil_id=pupil.pk)
    context = {
        "title": _("Put %(name)s in a group") % {"name": pupil.full_name},
        "pupil": pupil,
        "form": form,
    }
    return render(request, "schools/manage/pupil_enrol.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_only
def enrolment_end(request, enrolment_id):
    enrolment = get_object_or_404(
        Enrolment.objects.filter(group__school__in=schools_managed_by(request.user)).select_related(
            "pupil", "group__school_year"
        ),
        pk=enrolment_id,
    )
    form = EndEnrolmentForm(request.POST or None, initial={"ends_on": datetime.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_end(enrolment=enrolment, ends_on=form.cleaned_data["ends_on"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Enrolment ended."))
            return redirect("pupil_detail", pupil_id=enrolment.pupil_id)
    context = {"title": _("End enrolment"), "enrolment": enrolment, "form": form}
    return render(request, "schools/manage/enrolment_end.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_only
def staff_list(request, school_id):
    school = _managed_school(request, school_id)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = account_services.staff_invite(
                by=request.user, school=school, site_url=_site_url(request), **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            security_log.event(
                "staff_role_given",
                request,
                school=school.pk,
                role=form.cleaned_data["role"],
                invited=bool(invitation),
            )
            if invitation:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
            else:
                messages.success(
                    request,
                    _("%(email)s already has an account and now has this role.")
                    % {"email": form.cleaned_data["email"]},
                )
            return redirect("staff_list", school_id=school.pk)
    school_year = current_school_year()
    staff = staff_with_group_counts(school=school, school_year=school_year)
    context = {
        "title": _("Staff of %(school)s") % {"school": school.name},
        "school": school,
        "staff": staff,
        "form": form,
    }
    return render(request, "schools/manage/staff_list.html", context)


def _managed_membership(request, membership_id):
    return get_object_or_404(
        Membership.objects.filter(school__in=schools_managed_by(request.user)).select_related(
            "user", "school"
        ),
        pk=membership_id,
    )


@require_http_methods(["GET", "POST"])
@coordinator_only
def membership_edit(request, membership_id):
    membership = _managed_membership(request, membership_id)
    school_year = current_school_year()
    form = MembershipForm(request.POST or None, membership=membership, school_year=school_year)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=membership, school_year=school_year, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            security_log.event(
                "staff_role_changed",
                request,
                membership=membership.pk,
                member=membership.user_id,
                role=form.cleaned_data["role"],
            )
            messages.success(request, _("Changes saved."))
            return redirect("staff_list", school_id=membership.school_id)
    context = {
        "title": str(membership.user),
        "membership": membership,
        "form": form,
        "school": membership.school,
    }
    return render(request, "schools/manage/membership_form.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_only
def membership_revoke(request, membership_id):
    membership = _managed_membership(request, membership_id)
    error = None
    if request.method == "POST":
        try:
            services.membership_revoke(membership=membership, by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(
                request,
                _("%(name)s no longer has a role at %(school)s.")
                % {"name": membership.user, "school": membership.school.name},
            )
            return redirect("staff_list", school_id=membership.school_id)
    context = {"title": _("Take away role"), "membership": membership, "error": error}
    return render(request, "schools/manage/membership_revoke.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_only
def pupil_invite(request, pupil_id):
    pupil = _managed_pupil(request, pupil_id)
    error = None
    if request.method == "POST":
        try:
            account_services.pupil_invite(by=request.user, pupil=pupil, site_url=_site_url(request))
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": pupil.email})
            return redirect("pupil_detail", pupil_id=pupil.pk)
    context = {
        "title": _("Invite %(name)s") % {"name": pupil.full_name},
        "pupil": pupil,
        "error": error,
    }
    return render(request, "schools/manage/pupil_invite.html", context)


@require_http_methods(["POST"])
@coordinator_only
def invitation_resend(request, invitation_id):
    invitation = get_object_or_404(
        Invitation.objects.filter(school__in=schools_managed_by(request.user)), pk=invitation_id
    )
    try:
        account_services.invitation_resend(
            invitation=invitation, by=request.user, site_url=_site_url(request)
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("Invitation sent again to %(email)s.") % {"email": invitation.user.email}
        )
    return redirect(reverse("school_detail", args=[invitation.school_id]))


@require_http_methods(["GET", "POST"])
@coordinator_only
def group_codes(request, group_id):
    group = get_object_or_404(
        Group.objects.filter(school__in=schools_managed_by(request.user)).select_related(
            "school", "school_year"
        ),
        pk=group_id,
    )
    today = datetime.date.today()
    pupils = (
        Pupil.objects.filter(
            enrolments__group=group,
            enrolments__starts_on__lte=max(today, group.school_year.starts_on),
            enrolments__ends_on__gte=min(today, group.school_year.ends_on),
        )
        .select_related("user", "school")
        .order_by("family_name", "given_name")
        .distinct()
    )
    if request.method == "POST":
        issued = account_services.claim_codes_issue(by=request.user, pupils=list(pupils))
        context = {
            "title": _("One-time codes for %(group)s") % {"group": group.name},
            "group": group,
            "issued": issued,
            "claim_url": request.build_absolute_uri(reverse("claim_account")),
        }
        return render(request, "schools/manage/group_codes_sheet.html", context)
    waiting = [p for p in pupils if p.user is None or not p.user.has_usable_password()]
    context = {
        "title": _("One-time codes for %(group)s") % {"group": group.name},
        "group": group,
        "waiting": waiting,
        "pupil_count": len(pupils),
    }
    return render(request, "schools/manage/group_codes.html", context)


@require_http_methods(["GET", "POST"])
@coordinator_only
def expected_levels(request, school_id):
    school = _managed_school(request, school_id)
    current = selectors.expected_levels(school=school)
    tracks = sorted({track for track, _skill in current}, key=Track.values.index)
    error = None
    if request.method == "POST":
        chosen = {}
        try:
            for track in tracks:
                for skill in Skill.values:
                    level = request.POST.get(f"{track}:{skill}:level", "")
                    upper = request.POST.get(f"{track}:{skill}:upper", "")
                    if level == "":
                        continue
                    chosen[track, skill] = (int(level), int(upper) if upper else None)
            services.expected_levels_save(school=school, chosen=chosen)
        except (ValueError, ValidationError) as exc:
            error = (
                exc.messages[0] if hasattr(exc, "messages") else _("Choose levels from the list.")
            )
        else:
            messages.success(request, _("Expected levels saved."))
            return redirect("expected_levels", school_id=school.pk)
    table = [
        (
            track,
            Track(track).label,
            [(skill, current.get((track, skill))) for skill in Skill.values],
        )
        for track in tracks
    ]
    context = {
        "title": _("Expected levels"),
        "school": school,
        "table": table,
        "skills": Skill.choices,
        "levels": Level.choices,
        "error": error,
    }
    return render(request, "schools/manage/expected_levels.html", context)
