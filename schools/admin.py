from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Membership

from . import levels, services
from .models import (
    CutScore,
    Enrolment,
    Group,
    Instrument,
    InstrumentAlias,
    Pupil,
    Result,
    School,
    SchoolYear,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "brin", "sector"]
    list_filter = ["sector"]
    search_fields = ["name", "brin"]
    inlines = [MembershipInline]


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["name", "starts_on", "ends_on"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    raw_id_fields = ["pupil", "group"]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "school_year", "track", "year_level"]
    list_filter = ["school_year", "track", "year_level", "school__sector"]
    search_fields = ["name", "school__name", "school__brin"]
    list_select_related = ["school", "school_year"]
    autocomplete_fields = ["school", "teachers"]
    inlines = [EnrolmentInline]


@admin.register(Pupil)
class PupilAdmin(admin.ModelAdmin):
    list_display = ["sort_name", "pupil_number", "school", "user"]
    list_filter = ["school__sector", "school"]
    search_fields = ["pupil_number", "given_name", "family_name", "email"]
    list_select_related = ["school", "user"]
    autocomplete_fields = ["school", "user"]
    inlines = [EnrolmentInline]


class CutScoreInline(admin.TabularInline):
    model = CutScore
    extra = 0


class InstrumentAliasInline(admin.TabularInline):
    """Names files use for the instrument, which the results import then recognises."""

    model = InstrumentAlias
    extra = 1


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ["name", "skill", "kind", "max_score", "school", "is_active"]
    list_filter = ["skill", "kind", "is_active", ("school", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    autocomplete_fields = ["school"]
    inlines = [CutScoreInline, InstrumentAliasInline]


class ResultAdminForm(forms.ModelForm):
    """The admin enters and corrects results by the same rules as every other way in: score
    within the test's range (its level follows from it), dated no later than today and within
    one of the pupil's enrolments."""

    class Meta:
        model = Result
        fields = ["pupil", "instrument", "assessed_on", "score", "level", "entered_by"]

    def clean(self):
        data = super().clean()
        pupil, instrument, day = data.get("pupil"), data.get("instrument"), data.get("assessed_on")
        if pupil is None or instrument is None or day is None:
            return data
        try:
            built = services.result_build(
                by=data.get("entered_by"),
                pupil=pupil,
                instrument=instrument,
                assessed_on=day,
                score=data.get("score") if instrument.is_scored else None,
                level=None if instrument.is_scored else data.get("level"),
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            raise ValidationError(
                {
                    {"date": "assessed_on"}.get(field, field): errors
                    for field, errors in error.message_dict.items()
                }
            ) from None
        data["level"] = built.level
        self.instance.level = built.level
        return data


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    form = ResultAdminForm
    list_display = ["pupil", "skill", "level", "score", "instrument", "assessed_on", "entered_by"]
    list_filter = ["skill", "level", "assessed_on"]
    search_fields = ["pupil__pupil_number", "pupil__family_name", "instrument__name"]
    date_hierarchy = "assessed_on"
    list_select_related = ["pupil", "instrument", "entered_by"]
    raw_id_fields = ["pupil", "instrument", "entered_by"]
    show_full_result_count = False

    # Edits here bypass the services, so they keep the level table in step themselves.
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            previous = Result.objects.filter(pk=obj.pk).values_list("pupil_id", flat=True)
            pupils = {obj.pupil_id, *previous}
            obj.skill = obj.instrument.skill
            super().save_model(request, obj, form, change)
            levels.refresh(pupils)

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            levels.refresh([obj.pupil_id])

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            pupils = set(queryset.values_list("pupil_id", flat=True))
            super().delete_queryset(request, queryset)
            levels.refresh(pupils)
