"""The municipality's targets: what the progress layer measures the city against."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.cefr import Level, Sector, Skill, Track


class Target(models.Model):
    """A goal of the municipality: the share of a population at or above a level by a date."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    threshold = models.PositiveSmallIntegerField(
        _("threshold level"), choices=Level.choices, default=Level.B1
    )
    required_skills = models.JSONField(_("required skills"), default=list)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    tracks = models.JSONField(_("tracks"), default=list, blank=True)
    year_levels = models.JSONField(_("year levels"), default=list, blank=True)
    share = models.DecimalField(
        _("share to reach"),
        max_digits=4,
        decimal_places=3,
        help_text=_("As a fraction: 0.500 is half of the population."),
    )
    deadline = models.DateField(_("deadline"))
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)

    class Meta:
        db_table = "schools_target"  # the table it had in schools/, kept when it moved
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["deadline", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lte=1),
                name="target_share_fraction",
                violation_error_message=_("The share to reach lies above 0 and at most 1."),
            ),
            models.CheckConstraint(
                condition=Q(threshold__gte=Level.A1, threshold__lte=Level.C2),
                name="target_threshold_level",
                violation_error_message=_("The threshold is a level from A1 to C2."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        skills = self.required_skills or []
        if not skills or not set(skills) <= set(Skill.values) or len(set(skills)) != len(skills):
            errors["required_skills"] = _("Choose one or more different skills.")
        if not set(self.sectors or []) <= set(Sector.values):
            errors["sectors"] = _("Unknown sector.")
        if not set(self.tracks or []) <= set(Track.values):
            errors["tracks"] = _("Unknown track.")
        if not all(isinstance(y, int) and 1 <= y <= 8 for y in self.year_levels or []):
            errors["year_levels"] = _("Year levels are whole numbers from 1 to 8.")
        if errors:
            raise ValidationError(errors)


class StoredYear(models.Model):
    """The figures of a settled day (a finished school year's 31 July or a target's deadline
    in it, a reference date that has passed), kept so that the trend and the municipality's
    figures do not compute the past again: the cells (the level distribution, or the cells'
    totals) of one target and scope on one day, exactly as the progress layer computes them
    (`progress.stored_years`).

    Rows are deleted, in the writing transaction, by every write that can change them: results
    dated on or before the day, enrolments, groups, schools, a change of the target.
    `manage.py check_levels` proves the rows equal a fresh computation."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="+")

    class Kind(models.TextChoices):
        CELLS = "cells", "cells"  # the figures of every school, group, track and year level
        DISTRIBUTION = "distribution", "distribution"  # pupils per level in every skill
        TOTALS = "totals", "totals"  # the cells added up: what the trend draws

    scope = models.CharField(max_length=32)  # the target's definition and the schools counted
    school_ids = models.JSONField(null=True)  # the schools counted; None: the whole city
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CELLS)
    day = models.DateField()
    cells = models.JSONField()  # of the kind named

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "kind", "day"], name="storedyear_one_per_scope_kind_day"
            )
        ]

    def __str__(self):
        return f"{self.target_id} {self.day}"
