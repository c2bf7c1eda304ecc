from allauth.usersessions.models import UserSession
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import ClaimCode, Invitation, Membership, MunicipalityMember
from accounts.services import account_invite
from taalpad.models import User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["school"]


class MunicipalityMemberInline(admin.StackedInline):
    model = MunicipalityMember
    extra = 0
    can_delete = True


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "memberships__role"]
    search_fields = ["email", "name"]
    inlines = [MembershipInline, MunicipalityMemberInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["name", "preferred_language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "name", "usable_password", "password1", "password2"],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["send_invitations"]

    @admin.action(description=_("Send an invitation to choose a password"))
    def send_invitations(self, request, queryset):
        sent = 0
        for user in queryset:
            try:
                account_invite(by=request.user, user=user, site_url=request.build_absolute_uri("/"))
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.WARNING)
            else:
                sent += 1
        self.message_user(request, _("%(count)d invitation(s) sent.") % {"count": sent})


@admin.register(MunicipalityMember)
class MunicipalityMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "created_at"]
    search_fields = ["user__email", "user__name", "title"]
    autocomplete_fields = ["user"]


# allauth's session admin searches a username; TaalPad's users have e-mail addresses instead.
admin.site.unregister(UserSession)


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    raw_id_fields = ["user"]
    list_display = ["user", "created_at", "last_seen_at", "ip", "user_agent"]
    search_fields = ["user__email", "ip"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "created_at", "expires_at", "accepted_at"]
    list_filter = ["school", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user", "invited_by"]
    # The secret is stored only as a hash; nothing here can be used to open an account.
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False


@admin.register(ClaimCode)
class ClaimCodeAdmin(admin.ModelAdmin):
    list_display = ["user", "created_by", "created_at", "expires_at"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user", "created_by"]
    exclude = ["code_hash"]

    def has_add_permission(self, request):
        return False
