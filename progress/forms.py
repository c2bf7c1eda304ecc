"""The form of a target (the municipality manages them at /targets/)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.cefr import Sector, Skill, Track
from progress.models import Target


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
