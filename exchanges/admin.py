from django.contrib import admin
from django.db import models

from .models import ExchangeActivity, Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "bundesland", "country"]
    list_filter = ["kind", "bundesland", "country"]
    search_fields = ["name", "city"]
    # A website typed without a scheme is read as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ExchangeActivity)
class ExchangeActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "school", "kind", "starts_on", "ends_on", "contact_hours"]
    list_filter = ["kind", "school", "starts_on"]
    search_fields = ["title", "school__name", "partners__name", "partners__city"]
    date_hierarchy = "starts_on"
    list_select_related = ["school"]
    autocomplete_fields = ["school", "partners", "organisers"]
    raw_id_fields = ["participants"]
