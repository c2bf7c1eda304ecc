import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from core.cefr import Level, Skill, plain_number
from core.inputs import check_assessed_on

from .models import Group, Pupil, SchoolYear

User = get_user_model()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class GroupForm(forms.ModelForm):
    teachers = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Teachers"),
    )

    class Meta:
        model = Group
        fields = ["school_year", "name", "track", "year_level"]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        self.fields["teachers"].queryset = User.objects.filter(memberships__school=school)
        self.fields["teachers"].label_from_instance = lambda user: user.name or user.email
        if self.instance.pk:
            self.fields["teachers"].initial = list(self.instance.teachers.all())


class PupilForm(forms.ModelForm):
    class Meta:
        model = Pupil
        fields = ["pupil_number", "given_name", "family_name_prefix", "family_name", "email"]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school


class EnrolForm(forms.Form):
    group = forms.ModelChoiceField(queryset=Group.objects.none(), label=_("Group"))
    starts_on = forms.DateField(label=_("From"), widget=DateInput())

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        years = SchoolYear.objects.filter(
            start_year__gte=SchoolYear.start_year_of(datetime.date.today()) - 1
        )
        self.fields["group"].queryset = (
            Group.objects.filter(school=school, school_year__in=years)
            .select_related("school_year")
            .order_by("-school_year__start_year", "year_level", "name")
        )
        self.fields["starts_on"].initial = datetime.date.today()


class NewPupilForm(PupilForm):
    group = forms.ModelChoiceField(queryset=Group.objects.none(), label=_("Group"))
    starts_on = forms.DateField(label=_("In the group from"), widget=DateInput())

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, school=school, **kwargs)
        enrol = EnrolForm(school=school)
        self.fields["group"].queryset = enrol.fields["group"].queryset
        self.fields["starts_on"].initial = datetime.date.today()


class EndEnrolmentForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day in the group"), widget=DateInput())


class StaffInviteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Groups taught this school year"),
    )

    def __init__(self, *args, membership, school_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = Group.objects.filter(
            school=membership.school, school_year=school_year
        ).order_by("year_level", "name")
        self.fields["groups"].label_from_instance = lambda group: group.name
        self.fields["role"].initial = membership.role
        self.fields["groups"].initial = list(
            self.fields["groups"].queryset.filter(teachers=membership.user)
        )


def level_field(**kwargs):
    """The level of a result as a choice, empty where the test takes a score instead."""
    return forms.TypedChoiceField(
        label=_("Level"),
        choices=[("", "—"), *Level.choices],
        coerce=int,
        required=False,
        empty_value=None,
        **kwargs,
    )


class ResultForm(forms.Form):
    """Correct one result: its date and its score (scored) or level (rated)."""

    assessed_on = forms.DateField(label=_("Date"), widget=DateInput())
    score = forms.CharField(label=_("Score"), required=False, max_length=12)
    level = level_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        if instrument.is_scored:
            del self.fields["level"]
            self.fields["score"].help_text = _(
                "0 to %(max)s; the level follows from the score."
            ) % {"max": plain_number(instrument.max_score)}
            self.fields["score"].widget.attrs["inputmode"] = "decimal"
        else:
            del self.fields["score"]


class ResultEntryForm(forms.Form):
    """One new result, typed from the keyboard: (the pupil, on a group's page,) the test, the
    date, and its score or level, whichever the test takes."""

    pupil = forms.ModelChoiceField(queryset=Pupil.objects.none(), label=_("Pupil"))
    instrument = forms.ModelChoiceField(queryset=None, label=_("Test (or rating)"))
    assessed_on = forms.DateField(label=_("Date of the test"), widget=DateInput())
    score = forms.CharField(
        label=_("Score"),
        required=False,
        max_length=12,
        help_text=_("For a test with a score, for example 54 or 54,5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    level = level_field(help_text=_("For a rating: the level the teacher gives."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, instruments, pupils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        self.fields["instrument"].label_from_instance = lambda i: (
            f"{i.get_skill_display()}: {i.name}"
            + (f" (0–{plain_number(i.max_score)})" if i.is_scored else "")
        )
        if pupils is None:
            del self.fields["pupil"]
        else:
            self.fields["pupil"].queryset = pupils
            self.fields["pupil"].label_from_instance = lambda p: p.sort_name
        # Keyboard first: the page opens in its first field.
        self.focus(next(iter(self.fields)))

    def focus(self, name):
        """The page opens with the cursor in this field (and in no other)."""
        for field in self.fields.values():
            field.widget.attrs.pop("autofocus", None)
        self.fields[name].widget.attrs["autofocus"] = True

    def full_clean(self):
        super().full_clean()
        if self.errors:  # the cursor where the first thing to put right is
            self.focus(next((name for name in self.fields if name in self.errors), "instrument"))

    def add_error(self, field, error):
        super().add_error(field, error)
        if field in self.fields:
            self.focus(next(name for name in self.fields if name in self.errors))

    def clean_assessed_on(self):
        try:
            return check_assessed_on(self.cleaned_data["assessed_on"])
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["date"]) from None

    def clean(self):
        data = super().clean()
        instrument = data.get("instrument")
        if instrument is None:
            return data
        score, level = (data.get("score") or "").strip(), data.get("level")
        # The field the test does not take stays empty: a level typed for a scored test (or
        # the other way round) would otherwise be dropped without a word.
        if instrument.is_scored:
            if level is not None:
                self.add_error("level", _("This test is scored: enter the score, not a level."))
            elif not score:
                self.add_error("score", _("Enter a score for this test."))
        elif score:
            self.add_error("score", _("This test is a rating: choose the level, not a score."))
        elif level is None:
            self.add_error("level", _("Choose a level."))
        return data

    def value(self):
        """What was typed for the test: its score, or its level."""
        data = self.cleaned_data
        return data["score"].strip() if data["instrument"].is_scored else data["level"]


class GridChoiceForm(forms.Form):
    instrument = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Tests (or ratings), at most one per skill"),
        help_text=_("Each test you tick becomes a column: a whole exam fits in one grid."),
        widget=forms.CheckboxSelectMultiple,
    )
    date = forms.DateField(label=_("Date of the test"), widget=DateInput())

    def __init__(self, *args, instruments, school_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.school_year = school_year
        self.fields["instrument"].queryset = instruments
        self.fields["instrument"].label_from_instance = lambda i: (
            f"{i.get_skill_display()}: {i.name}"
        )

    def clean_instrument(self):
        chosen = list(self.cleaned_data["instrument"])
        skills = [instrument.skill for instrument in chosen]
        if len(set(skills)) != len(skills):
            # Two results of one skill on one day: only the one entered last would count.
            raise forms.ValidationError(_("Choose at most one test per skill."))
        return sorted(chosen, key=lambda i: (Skill.values.index(i.skill), i.name))

    def clean_date(self):
        day = self.cleaned_data["date"]
        if not self.school_year.starts_on <= day <= self.school_year.ends_on:
            raise forms.ValidationError(
                _("Choose a date in the school year %(year)s.") % {"year": self.school_year.name}
            )
        try:
            return check_assessed_on(day)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["date"]) from None
