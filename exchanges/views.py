"""Partners and exchange activities. Activities belong to a school: the access layer decides
who sees them (another school's activity is a 404), and which participants a teacher sees."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import security_log
from accounts.decorators import school_staff_only
from core.forms import apply_errors
from core.inputs import optional_int, search_text
from core.tabular import table_download
from exchanges.access import exchanges_visible_to
from exchanges.selectors import (
    activities_table,
    exchange_figures,
    participation_table,
    partners_with_counts,
    schools_of_partner,
    with_participant_counts,
)
from schools.access import pupils_visible_to, schools_staffed_by
from schools.models import Group, SchoolYear
from schools.selectors import school_years_with_choice

from . import services
from .forms import AddGroupForm, AddPupilsForm, ExchangeForm, PartnerForm, PupilFilterForm
from .models import Partner


@require_GET
@school_staff_only
def exchange_list(request):
    schools = list(schools_staffed_by(request.user).order_by("name"))
    years, year = school_years_with_choice(request.GET.get("year"))
    activities = exchanges_visible_to(request.user).filter(school__in=schools)
    if year:
        activities = activities.filter(starts_on__gte=year.starts_on, starts_on__lte=year.ends_on)
    activities = (
        with_participant_counts(activities)
        .select_related("school")
        .prefetch_related("partners")
        .order_by("-starts_on", "title")
    )
    # The school's own figures, in full: these are the viewer's own pupils in aggregate.
    rows, _city = exchange_figures(school_years=[year] if year else [], schools=schools)
    context = {
        "title": _("Exchanges"),
        "activities": activities,
        "years": years,
        "school_year": year,
        "schools": schools,
        "stats": rows,
    }
    return render(request, "exchanges/exchange_list.html", context)


@require_GET
@school_staff_only
def exchange_export(request, table, fmt):
    """The activities of the schools the person works at (in the school year chosen on the
    list), or who took part in them: the pupils the person may see, nobody else."""
    if table not in ("activities", "participation") or fmt not in ("csv", "xlsx"):
        raise Http404
    schools = schools_staffed_by(request.user)
    _years, year = school_years_with_choice(request.GET.get("year"))
    activities = exchanges_visible_to(request.user).filter(school__in=schools)
    if year:
        activities = activities.filter(starts_on__gte=year.starts_on, starts_on__lte=year.ends_on)
    if table == "activities":
        title, headers, rows = activities_table(activities)
    else:
        title, headers, rows = participation_table(activities, pupils_visible_to(request.user))
    security_log.event("export", request, table=f"exchanges-{table}", rows=len(rows), format=fmt)
    name = slugify(f"taalpad-{title}-{year or _('all years')}")
    return table_download(
        headers,
        rows,
        fmt=fmt,
        filename=name,
        title=title,
        decimal_comma=get_language() in ("nl", "de"),
    )


def _school_for_new(request):
    schools = schools_staffed_by(request.user)
    wanted = optional_int(request.GET.get("school") or request.POST.get("school"))
    if wanted is not None:
        return get_object_or_404(schools, pk=wanted)
    return schools.order_by("name").first()


@require_http_methods(["GET", "POST"])
@school_staff_only
def exchange_create(request):
    school = _school_for_new(request)
    if school is None:
        return redirect("exchange_list")
    initial = {
        "starts_on": datetime.date.today(),
        "ends_on": datetime.date.today(),
        "organisers": [request.user],
    }
    form = ExchangeForm(request.POST or None, school=school, initial=initial)
    return _exchange_form(request, form, _("New exchange activity"))


def _visible_activity(request, activity_id):
    return get_object_or_404(
        exchanges_visible_to(request.user)
        .filter(school__in=schools_staffed_by(request.user))
        .select_related("school"),
        pk=activity_id,
    )


@require_http_methods(["GET", "POST"])
@school_staff_only
def exchange_edit(request, activity_id):
    activity = _visible_activity(request, activity_id)
    form = ExchangeForm(request.POST or None, instance=activity, school=activity.school)
    return _exchange_form(request, form, _("Change %(title)s") % {"title": activity.title})


def _exchange_form(request, form, title):
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.exchange_save(
                activity=form.save(commit=False),
                partners=form.cleaned_data["partners"],
                organisers=form.cleaned_data["organisers"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("exchange_detail", activity_id=activity.pk)
    return render(
        request,
        "exchanges/exchange_form.html",
        {"title": title, "form": form, "school": form.instance.school},
    )


@require_http_methods(["GET", "POST"])
@school_staff_only
def exchange_delete(request, activity_id):
    activity = _visible_activity(request, activity_id)
    if request.method == "POST":
        services.exchange_delete(activity=activity)
        messages.success(request, _("Activity deleted."))
        return redirect("exchange_list")
    return render(
        request,
        "exchanges/exchange_delete.html",
        {"title": _("Delete activity"), "activity": activity},
    )


@require_http_methods(["GET", "POST"])
@school_staff_only
def exchange_detail(request, activity_id):
    activity = _visible_activity(request, activity_id)
    day = activity.starts_on
    groups = Group.objects.filter(
        school=activity.school, school_year__start_year=SchoolYear.start_year_of(day)
    ).order_by("year_level", "name")
    candidates = (
        pupils_visible_to(request.user)
        .filter(
            enrolments__group__school=activity.school,
            enrolments__starts_on__lte=day,
            enrolments__ends_on__gte=day,
        )
        .exclude(pk__in=activity.participants.values("pk"))
        .distinct()
        .order_by("family_name", "given_name")
    )
    # Pupils are listed by group or by a search, never all of a school at once; a ticked one
    # may be any candidate (the list on the page may have changed meanwhile).
    listing = PupilFilterForm(request.GET or None, groups=groups)
    listed = listing.pupils_among(candidates, day) if listing.is_valid() else candidates.none()
    group_form = AddGroupForm(request.POST if "add_group" in request.POST else None, groups=groups)
    pupils_form = AddPupilsForm(
        request.POST if "add_pupils" in request.POST else None,
        pupils=candidates if "add_pupils" in request.POST else listed,
    )
    if request.method == "POST":
        try:
            if "add_group" in request.POST and group_form.is_valid():
                added = services.participants_add_group(
                    activity=activity, group=group_form.cleaned_data["group"]
                )
                messages.success(request, _("%(count)d pupil(s) added.") % {"count": added})
                return redirect("exchange_detail", activity_id=activity.pk)
            if "add_listed" in request.POST and listing.is_valid():
                shown = list(listed)
                services.participants_add(activity=activity, pupils=shown)
                messages.success(request, _("%(count)d pupil(s) added.") % {"count": len(shown)})
                return redirect("exchange_detail", activity_id=activity.pk)
            if "add_pupils" in request.POST and pupils_form.is_valid():
                services.participants_add(
                    activity=activity, pupils=pupils_form.cleaned_data["pupils"]
                )
                messages.success(request, _("Pupils added."))
                return redirect("exchange_detail", activity_id=activity.pk)
        except ValidationError as error:
            messages.error(request, error.messages[0])
    participants = activity.participants.all()
    visible = pupils_visible_to(request.user).filter(pk__in=participants.values("pk"))
    shown = list(visible.order_by("family_name", "given_name"))
    context = {
        "title": activity.title,
        "activity": activity,
        "partners": activity.partners.all(),
        "organisers": activity.organisers.all(),
        "participants": shown,
        "hidden_count": participants.count() - len(shown),
        "group_form": group_form,
        "pupils_form": pupils_form,
        "listing": listing,
        "listed_count": len(pupils_form.fields["pupils"].queryset) if listing.is_bound else 0,
    }
    return render(request, "exchanges/exchange_detail.html", context)


@require_POST
@school_staff_only
def participant_remove(request, activity_id, pupil_id):
    activity = _visible_activity(request, activity_id)
    pupil = get_object_or_404(
        pupils_visible_to(request.user).filter(exchanges=activity), pk=pupil_id
    )
    services.participants_remove(activity=activity, pupil=pupil)
    messages.success(request, _("%(name)s removed.") % {"name": pupil.full_name})
    return redirect("exchange_detail", activity_id=activity.pk)


# Partners: one register for the whole city ---------------------------------------------------


@require_GET
@school_staff_only
def partner_list(request):
    query = search_text(request.GET.get("q", ""))
    partners = partners_with_counts(query=query)
    return render(
        request,
        "exchanges/partner_list.html",
        {"title": _("German partners"), "partners": partners, "query": query},
    )


@require_GET
@school_staff_only
def partner_detail(request, partner_id):
    partner = get_object_or_404(Partner, pk=partner_id)
    schools = schools_of_partner(partner)
    return render(
        request,
        "exchanges/partner_detail.html",
        {"title": partner.name, "partner": partner, "schools": schools},
    )


@require_http_methods(["GET", "POST"])
@school_staff_only
def partner_edit(request, partner_id=None):
    partner = get_object_or_404(Partner, pk=partner_id) if partner_id else None
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.partner_save(partner=form.save(commit=False))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Partner saved."))
            return redirect("partner_detail", partner_id=saved.pk)
    title = _("Change partner") if partner else _("New German partner")
    return render(request, "exchanges/partner_form.html", {"title": title, "form": form})
