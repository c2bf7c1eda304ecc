from django.contrib import admin

from .models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "threshold", "share", "deadline"]
    search_fields = ["name"]
