from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.inputs import search_text
from schools.forms import DateInput
from schools.models import Group, Pupil

from .models import ExchangeActivity, Partner

User = get_user_model()


class PartnerForm(forms.ModelForm):
    website = forms.URLField(
        label=_("website"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "kind",
            "city",
            "bundesland",
            "country",
            "website",
            "latitude",
            "longitude",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["latitude"].help_text = _(
            "Leave empty for a known border town: TaalPad fills in its coordinates."
        )


class ExchangeForm(forms.ModelForm):
    partners = forms.ModelMultipleChoiceField(
        queryset=Partner.objects.order_by("city", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Partners"),
    )
    organisers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Organising staff"),
    )

    class Meta:
        model = ExchangeActivity
        fields = [
            "kind",
            "title",
            "starts_on",
            "ends_on",
            "contact_hours",
            "description",
            "extra_participants",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        self.fields["organisers"].queryset = User.objects.filter(memberships__school=school)
        self.fields["organisers"].label_from_instance = lambda user: str(user)
        self.fields["partners"].label_from_instance = lambda p: f"{p.name}, {p.city}"
        if self.instance.pk:
            self.fields["partners"].initial = list(self.instance.partners.all())
            self.fields["organisers"].initial = list(self.instance.organisers.all())


class AddGroupForm(forms.Form):
    group = forms.ModelChoiceField(queryset=Group.objects.none(), label=_("Whole group"))

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class AddPupilsForm(forms.Form):
    pupils = forms.ModelMultipleChoiceField(
        queryset=Pupil.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Pupils"),
    )

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils
        self.fields["pupils"].label_from_instance = lambda p: p.sort_name


class PupilFilterForm(forms.Form):
    """Which candidates the page lists: the pupils of one group, or those whose name or pupil
    number holds the text searched for (or both)."""

    group = forms.ModelChoiceField(
        queryset=Group.objects.none(), required=False, label=_("Group"), empty_label=_("all groups")
    )
    q = forms.CharField(label=_("Name or pupil number"), required=False, max_length=100)

    def __init__(self, *args, groups, **kwargs):
        # Ids of their own: the page's form adding a whole group has a field "group" too.
        super().__init__(*args, auto_id="listing-%s", **kwargs)
        self.fields["group"].queryset = groups
        self.fields["group"].label_from_instance = lambda group: group.name

    def clean(self):
        data = super().clean()
        data["q"] = search_text(data.get("q"))
        if not data.get("group") and not data["q"]:
            raise forms.ValidationError(_("Choose a group or type a name to list pupils."))
        return data

    def pupils_among(self, candidates, day):
        """The candidates this filter lists, enrolled in the group on `day` where one is chosen."""
        group, text = self.cleaned_data.get("group"), self.cleaned_data["q"]
        if group is not None:
            candidates = candidates.filter(
                enrolments__group=group,
                enrolments__starts_on__lte=day,
                enrolments__ends_on__gte=day,
            )
        if text:
            candidates = candidates.filter(
                Q(given_name__icontains=text)
                | Q(family_name__icontains=text)
                | Q(pupil_number__icontains=text)
            )
        return candidates
