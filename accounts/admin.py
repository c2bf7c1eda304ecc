"""The accounts in Django's admin: school memberships (the user admin itself is in taalpad)."""

from django.contrib import admin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role", "created_at"]
    list_filter = ["role", "school"]
    search_fields = ["user__email", "user__name", "school__name"]
    list_select_related = ["user", "school"]
    autocomplete_fields = ["user", "school"]
