import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from taalpad.models import User

from .models import Group, Membership, Pupil, SchoolYear


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
