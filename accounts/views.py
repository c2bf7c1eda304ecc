"""A person's own account: accepting an invitation, claiming a pupil account with a one-time
code, the profile and its API token."""

from allauth.core import ratelimit
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import AcceptInvitationForm, ClaimAccountForm, ProfileForm
from accounts.models import ApiToken
from accounts.roles import Role, roles_of, start_url

LOGIN_BACKEND = "accounts.backends.ModelBackend"


def _password_errors_to(form, error):
    form.add_error("password1", error)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    if request.method == "POST" and not ratelimit.consume(request, action="accept_invitation"):
        return render(request, "429.html", {"title": _("Too many attempts")}, status=429)
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(
            request,
            "taalpad/invitation_invalid.html",
            {"title": _("Invitation not valid")},
            status=404,
        )
    form = AcceptInvitationForm(request.POST or None, initial={"name": invitation.user.name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            _password_errors_to(form, error)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(request, _("Welcome to TaalPad. Your password is set."))
            return redirect(start_url(user))
    context = {"title": _("Choose your password"), "form": form, "invitation": invitation}
    return render(request, "taalpad/invitation_accept.html", context)


@require_http_methods(["GET", "POST"])
def claim_account(request):
    form = ClaimAccountForm(request.POST or None)
    if request.method == "POST":
        # Only wrong codes count: a class claiming its printed codes at once is never refused.
        if not ratelimit.consume(request, action="claim_code", dry_run=True):
            return render(request, "429.html", {"title": _("Too many attempts")}, status=429)
        if form.is_valid():
            claim = services.claim_code_lookup(form.cleaned_data["code"])
            if claim is None:
                ratelimit.consume(request, action="claim_code")
                form.add_error("code", _("This code is not valid. Check it, or ask your teacher."))
            else:
                try:
                    user = services.claim_code_redeem(
                        claim=claim, password=form.cleaned_data["password1"]
                    )
                except ValidationError as error:
                    _password_errors_to(form, error)
                else:
                    login(request, user, backend=LOGIN_BACKEND)
                    messages.success(
                        request,
                        _(
                            "Your account is ready. Next time, log in with %(login)s and your "
                            "password."
                        )
                        % {"login": user.email},
                    )
                    return redirect(start_url(user))
    return render(
        request, "taalpad/claim_account.html", {"title": _("Claim your account"), "form": form}
    )


@require_http_methods(["GET", "POST"])
@login_required
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={"name": user.name, "preferred_language": user.preferred_language},
    )
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        response = redirect("profile")
        if user.preferred_language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.preferred_language,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
    return _profile_page(request, form)


def _profile_page(request, form, *, new_token=None):
    user = request.user
    context = {
        "title": _("My profile"),
        "form": form,
        "token": ApiToken.objects.filter(user=user).first(),
        # Shown once, on the page that made it: never stored, never sent in a cookie.
        "new_token": new_token,
        "mfa_enabled": is_mfa_enabled(user),
        "roles": sorted(Role(r).label for r in roles_of(user)),
    }
    return render(request, "taalpad/profile.html", context)


@require_http_methods(["POST"])
@login_required
def api_token(request):
    """Make a new API token (replacing the old one), shown on this answer only, or revoke it."""
    if request.POST.get("action") == "create":
        key = services.api_token_create(user=request.user)
        user = request.user
        form = ProfileForm(
            initial={"name": user.name, "preferred_language": user.preferred_language}
        )
        return _profile_page(request, form, new_token=key)
    services.api_token_revoke(user=request.user)
    messages.success(request, _("Your API token no longer works."))
    return redirect("profile")
