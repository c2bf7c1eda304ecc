"""Forms of a person's own account: a password on an invitation or a one-time code, and the
profile."""

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _


class ChoosePasswordForm(forms.Form):
    """A new password, typed twice; the service checks it against the password rules."""

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        return cleaned


class AcceptInvitationForm(ChoosePasswordForm):
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    field_order = ["name", "password1", "password2"]


class ClaimAccountForm(ChoosePasswordForm):
    code = forms.CharField(
        label=_("One-time code"),
        max_length=20,
        help_text=_("The code on the sheet from your teacher, for example ABCDE-FGHJK."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )
    field_order = ["code", "password1", "password2"]


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("As my browser asks"))] + list(settings.LANGUAGES),
        required=False,
    )
