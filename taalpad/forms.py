from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from core.cefr import Sector, Skill, Track
from schools.models import Target


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


class TargetForm(forms.ModelForm):
    required_skills = forms.MultipleChoiceField(
        label=_("Required skills"), choices=Skill.choices, widget=forms.CheckboxSelectMultiple
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors (none: all)"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tracks = forms.MultipleChoiceField(
        label=_("Tracks (none: all)"),
        choices=Track.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    year_levels = forms.TypedMultipleChoiceField(
        label=_("Year levels (none: all)"),
        choices=[(n, str(n)) for n in range(1, 9)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    share_percent = forms.DecimalField(
        label=_("Share to reach (%)"), min_value=1, max_value=100, decimal_places=1
    )

    class Meta:
        model = Target
        fields = [
            "name",
            "description",
            "threshold",
            "required_skills",
            "sectors",
            "tracks",
            "year_levels",
            "deadline",
            "baseline_on",
        ]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "baseline_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = [
        "name",
        "description",
        "threshold",
        "required_skills",
        "share_percent",
        "deadline",
        "sectors",
        "tracks",
        "year_levels",
        "baseline_on",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["share_percent"].initial = self.instance.share * 100

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("share_percent") is not None:
            self.instance.share = cleaned["share_percent"] / 100
        return cleaned


def apply_errors(form, error, *, fields=None):
    """Put a service's ValidationError next to the fields it names (else above the form);
    `fields` maps a service's names to the form's where they differ."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = (fields or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
