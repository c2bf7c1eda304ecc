from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from schools.models import Pupil, School


class Bundesland(models.TextChoices):
    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


class Partner(models.Model):
    """A German school, company or institution; one city-wide register shared by all schools."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("school")
        COMPANY = "company", _("company")
        INSTITUTION = "institution", _("institution")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=100)
    bundesland = models.CharField(
        _("Bundesland"), max_length=2, choices=Bundesland.choices, blank=True
    )
    country = models.CharField(_("country"), max_length=2, default="DE")
    website = models.URLField(_("website"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                Lower("city"),
                name="partner_name_unique_per_city",
                violation_error_message=_("This city already has a partner with this name."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="partner_latitude_range",
                violation_error_message=_("A latitude lies between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="partner_longitude_range",
                violation_error_message=_("A longitude lies between -180 and 180."),
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.city}"


class ExchangeActivity(models.Model):
    """Something a school does with German partners: a visit, hosting, a joint project…"""

    class Kind(models.TextChoices):
        VISIT = "visit", _("visit to Germany")
        HOSTING = "hosting", _("hosting German pupils")
        PROJECT = "project", _("joint or online project")
        EXCURSION = "excursion", _("excursion")
        PLACEMENT = "placement", _("work placement in Germany")
        CAMP = "camp", _("language camp")

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="exchanges", verbose_name=_("school")
    )
    partners = models.ManyToManyField(
        Partner, related_name="activities", blank=True, verbose_name=_("partners")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    contact_hours = models.DecimalField(
        _("German contact hours"), max_digits=6, decimal_places=1, default=0
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="organised_exchanges",
        blank=True,
        verbose_name=_("organising staff"),
    )
    participants = models.ManyToManyField(
        Pupil, related_name="exchanges", blank=True, verbose_name=_("participants")
    )
    extra_participants = models.PositiveIntegerField(
        _("additional participants without names"), default=0
    )

    class Meta:
        verbose_name = _("exchange activity")
        verbose_name_plural = _("exchange activities")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="exchange_ends_after_start",
                violation_error_message=_("An activity cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(contact_hours__gte=0),
                name="exchange_hours_not_negative",
                violation_error_message=_("Contact hours cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["visit", "hosting", "project", "excursion", "placement", "camp"]
                ),
                name="exchange_kind_valid",
                violation_error_message=_("Unknown kind of activity."),
            ),
        ]

    def __str__(self):
        return self.title
