"""Imports (dry run, then confirm) and exports of pupils and results."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import security_log
from accounts.decorators import coordinator_only, school_staff_only
from core.cefr import Level
from core.tabular import TableError, file_too_large, read_table, write_csv, write_xlsx
from schools.access import (
    groups_visible_to,
    pupils_visible_to,
    results_visible_to,
    schools_managed_by,
    schools_staffed_by,
)

from . import imports, services
from .models import Enrolment, ImportBatch
from .selectors import pupils_enrolled, reference_date


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )


class _Upload:
    """What an uploaded file looks like to `read_table`, for a stored batch."""

    def __init__(self, batch):
        self.name, self.size = batch.filename, len(batch.content)
        self._content = bytes(batch.content)

    def read(self, limit):
        return self._content[:limit]


def _plan(batch, user, table=None):
    try:
        headers, rows = table or read_table(_Upload(batch))
    except TableError as error:
        return imports.Plan(kind=batch.kind, rows=[], problems=[str(error)])
    if batch.kind == ImportBatch.Kind.PUPILS:
        return imports.plan_pupils(school=batch.school, headers=headers, rows=rows)
    return imports.plan_results(school=batch.school, user=user, headers=headers, rows=rows)


def _import_view(request, school, kind, *, template):
    form = UploadForm(request.POST or None, request.FILES or None)
    plan = batch = None
    if getattr(request, "upload_refused", False):
        # core.uploads stopped the file before it was read: nothing of it is kept.
        form = UploadForm(request.POST, {})
        form.is_valid()
        form.errors["file"] = form.error_class([str(file_too_large())])
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload)
        except TableError as error:
            form.add_error("file", str(error))
        else:
            upload.seek(0)
            services.import_batches_purge(now=timezone.now())
            # Kept until it is confirmed (or for a day: the retention job purges the rest).
            batch = ImportBatch(
                school=school,
                kind=kind,
                created_by=request.user,
                filename=upload.name[:200],
                content=upload.read(),
            )
            plan = _plan(batch, request.user, table)
            if kind == ImportBatch.Kind.RESULTS:
                batch.planned = imports.planned_writes(plan)  # what the confirmation writes
            batch.save()
    context = {
        "title": _("Import pupils") if kind == "pupils" else _("Import results"),
        "school": school,
        "form": form,
        "plan": plan,
        "batch": batch,
        "kind": kind,
        "headers": imports.TEMPLATE_HEADERS[kind],
        "columns": imports.PUPIL_COLUMNS if kind == "pupils" else imports.RESULT_COLUMNS,
        "next": request.GET.get("next", ""),
    }
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@school_staff_only
def results_import(request, school_id):
    school = get_object_or_404(schools_staffed_by(request.user), pk=school_id)
    return _import_view(request, school, ImportBatch.Kind.RESULTS, template="schools/import.html")


@require_http_methods(["GET", "POST"])
@coordinator_only
def pupils_import(request, school_id):
    school = get_object_or_404(schools_managed_by(request.user), pk=school_id)
    return _import_view(request, school, ImportBatch.Kind.PUPILS, template="schools/import.html")


@require_POST
@school_staff_only
def import_confirm(request, batch_id):
    batch = get_object_or_404(
        ImportBatch.objects.filter(created_by=request.user).select_related("school"), pk=batch_id
    )
    if (
        batch.kind == ImportBatch.Kind.PUPILS
        and not schools_managed_by(request.user).filter(pk=batch.school_id).exists()
    ):
        return redirect("school_detail", school_id=batch.school_id)
    try:
        with transaction.atomic():
            # Locked, so that a double click waits for the first confirmation and then finds
            # the batch applied: a file is imported once.
            batch = (
                ImportBatch.objects.select_for_update().select_related("school").get(pk=batch.pk)
            )
            if batch.applied_at is not None:
                return _already_applied(request, batch)
            plan = None
            if batch.kind == ImportBatch.Kind.RESULTS and batch.planned is not None:
                rows = len(batch.planned["new"]) + len(batch.planned["changed"])
                created, changed = services.results_import_apply_planned(
                    by=request.user, school=batch.school, planned=batch.planned
                )
            else:
                plan = _plan(batch, request.user)
                rows = len(plan.rows)
                if batch.kind == ImportBatch.Kind.PUPILS:
                    created, changed = services.pupils_import_apply(
                        by=request.user, plan=plan, school=batch.school
                    )
                else:
                    created, changed = services.results_import_apply(by=request.user, plan=plan)
            batch.applied_at = timezone.now()
            batch.content, batch.planned = b"", None
            batch.save(update_fields=["applied_at", "content", "planned"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        if plan is None:
            plan = _plan(batch, request.user)  # what the file holds now, beside the message
        context = {
            "title": _("Import"),
            "school": batch.school,
            "form": UploadForm(),
            "plan": plan,
            "batch": None,
            "kind": batch.kind,
            "headers": imports.TEMPLATE_HEADERS[batch.kind],
            "columns": imports.PUPIL_COLUMNS if batch.kind == "pupils" else imports.RESULT_COLUMNS,
            "next": request.POST.get("next", ""),
        }
        return render(request, "schools/import.html", context)
    security_log.event(
        "import",
        request,
        kind=batch.kind,
        school=batch.school_id,
        rows=rows,
        created=created,
        changed=changed,
    )
    messages.success(
        request,
        _("Imported from %(file)s: %(created)d new, %(changed)d changed, nothing else touched.")
        % {"file": batch.filename, "created": created, "changed": changed},
    )
    return _after_import(request, batch)


def _already_applied(request, batch):
    messages.info(
        request,
        _("%(file)s was already imported on %(when)s; nothing was imported again.")
        % {
            "file": batch.filename,
            "when": timezone.localtime(batch.applied_at).strftime("%d-%m-%Y %H:%M"),
        },
    )
    return _after_import(request, batch)


def _after_import(request, batch):
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    if batch.kind == ImportBatch.Kind.PUPILS:
        return redirect("pupil_list", school_id=batch.school_id)
    return redirect("home")


@require_GET
@school_staff_only
def import_template(request, kind):
    if kind not in imports.TEMPLATE_HEADERS:
        return HttpResponse(status=404)
    return _download(write_csv(imports.TEMPLATE_HEADERS[kind], []), f"taalpad-{kind}.csv", "csv")


# Exports -------------------------------------------------------------------------------------

EXPORT_HEADERS = [
    "leerlingnummer",
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "klas",
    "vaardigheid",
    "toets",
    "datum",
    "score",
    "niveau",
    "ingevoerd_door",
    "ingevoerd_op",
]


def _export_rows(results, group_name_of):
    for result in results:
        pupil = result.pupil
        yield [
            pupil.pupil_number,
            pupil.given_name,
            pupil.family_name_prefix,
            pupil.family_name,
            group_name_of(pupil.pk, result.assessed_on),
            result.skill,
            result.instrument.name,
            result.assessed_on,  # a real date in XLSX, ISO in CSV
            float(result.score) if result.score is not None else "",
            Level(result.level).code,
            result.entered_by.email if result.entered_by else "",
            timezone.localtime(result.entered_at).replace(tzinfo=None, second=0, microsecond=0),
        ]


def _export(request, results, enrolments, filename):
    periods = {}
    for enrolment in enrolments.select_related("group"):
        periods.setdefault(enrolment.pupil_id, []).append(enrolment)

    def group_name_of(pupil_id, day):
        for enrolment in periods.get(pupil_id, []):
            if enrolment.starts_on <= day <= enrolment.ends_on:
                return enrolment.group.name
        return ""

    rows = list(
        _export_rows(
            results.select_related("pupil", "instrument", "entered_by").order_by(
                "pupil__family_name", "pupil__given_name", "pupil_id", "assessed_on", "skill"
            ),
            group_name_of,
        )
    )
    fmt = request.GET.get("format", "csv")
    security_log.event("export", request, table=filename, rows=len(rows), format=fmt)
    if fmt == "xlsx":
        return _download(write_xlsx(EXPORT_HEADERS, rows, title=filename), f"{filename}.xlsx", fmt)
    return _download(write_csv(EXPORT_HEADERS, rows), f"{filename}.csv", "csv")


def _download(content, filename, fmt):
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@school_staff_only
def group_export(request, group_id):
    group = get_object_or_404(
        groups_visible_to(request.user).select_related("school", "school_year"), pk=group_id
    )
    pupils = pupils_enrolled(group=group, on=reference_date(group, datetime.date.today()))
    visible = pupils_visible_to(request.user).filter(pk__in=pupils.values("pk"))
    results = results_visible_to(request.user).filter(pupil__in=visible)
    enrolments = Enrolment.objects.filter(pupil__in=visible)
    name = slugify(f"taalpad-{group.school.brin}-{group.name}-{group.school_year}")
    return _export(request, results, enrolments, name)


@require_GET
@coordinator_only
def school_export(request, school_id):
    school = get_object_or_404(schools_managed_by(request.user), pk=school_id)
    pupils = (
        pupils_visible_to(request.user)
        .filter(Q(school=school) | Q(enrolments__group__school=school))
        .distinct()
    )
    results = results_visible_to(request.user).filter(pupil__in=pupils)
    enrolments = Enrolment.objects.filter(pupil__in=pupils)
    return _export(request, results, enrolments, slugify(f"taalpad-{school.brin}-results"))
