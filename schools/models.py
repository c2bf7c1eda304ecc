import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import schoolyear
from core.cefr import MAX_YEAR_LEVEL, TRACKS_BY_SECTOR, Level, Sector, Skill, Track, plain_number

BRIN_PATTERN = r"^[0-9]{2}[A-Z]{2}$"
brin_validator = RegexValidator(
    BRIN_PATTERN, _("A BRIN code is two digits followed by two capital letters, e.g. 12AB.")
)


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    brin = models.CharField(_("BRIN code"), max_length=4, unique=True, validators=[brin_validator])
    sector = models.CharField(_("sector"), max_length=3, choices=Sector.choices)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(brin__regex=BRIN_PATTERN),
                name="school_brin_format",
                violation_error_message=brin_validator.message,
            ),
            models.CheckConstraint(
                condition=Q(sector__in=Sector.values),
                name="school_sector_valid",
                violation_error_message=_("Unknown sector."),
            ),
        ]

    def __str__(self):
        return self.name


class SchoolYear(models.Model):
    """1 August to 31 July. Stored as the year it starts in, so years cannot overlap."""

    start_year = models.PositiveSmallIntegerField(
        _("first calendar year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["start_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__gte=2000, start_year__lte=2100),
                name="schoolyear_start_year_range",
                violation_error_message=_("A school year starts between 2000 and 2100."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return f"{self.start_year}-{self.start_year + 1}"

    @property
    def starts_on(self):
        return schoolyear.first_day(self.start_year)

    @property
    def ends_on(self):
        return schoolyear.last_day(self.start_year)

    @staticmethod
    def start_year_of(day):
        """The calendar year in which the school year containing `day` began."""
        return schoolyear.school_year_of(day)


class Group(models.Model):
    """A class in one school year: 'H3A', 'groep 7B'."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="groups", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="groups", verbose_name=_("school year")
    )
    name = models.CharField(_("name"), max_length=50)
    year_level = models.PositiveSmallIntegerField(
        _("year level"), validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    track = models.CharField(_("track"), max_length=10, choices=Track.choices)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="taught_groups",
        blank=True,
        verbose_name=_("teachers"),
    )

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["school_year", "school", "year_level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "school_year", "name"],
                name="group_name_unique_per_school_year",
                violation_error_message=_(
                    "This school already has a group with this name in this school year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(track__in=Track.values),
                name="group_track_valid",
                violation_error_message=_("Unknown track."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(track=Track.PO, year_level__gte=1, year_level__lte=8)
                    | (~Q(track=Track.PO) & Q(year_level__gte=1, year_level__lte=6))
                ),
                name="group_year_level_fits_track",
                violation_error_message=_(
                    "The year level must be 1-8 in primary school and 1-6 elsewhere."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.school_year})"

    def clean(self):
        if self.track and self.year_level and self.year_level > MAX_YEAR_LEVEL[self.track]:
            raise ValidationError(
                {
                    "year_level": _("The %(track)s track has no year %(level)s.")
                    % {"track": self.get_track_display(), "level": self.year_level}
                }
            )
        if self.school_id and self.track:
            allowed = TRACKS_BY_SECTOR[self.school.sector]
            if self.track not in allowed:
                raise ValidationError(
                    {"track": _("This track does not exist in this school's sector.")}
                )


class Pupil(models.Model):
    """A pupil record, held by the school that administers the pupil now.

    No date of birth or citizen service number: TaalPad keeps only what it needs.
    """

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="pupils", verbose_name=_("school")
    )
    pupil_number = models.CharField(_("pupil number"), max_length=20)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name_prefix = models.CharField(_("prefix (tussenvoegsel)"), max_length=20, blank=True)
    family_name = models.CharField(_("family name"), max_length=100)
    email = models.EmailField(_("e-mail address"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pupil",
        verbose_name=_("account"),
    )
    # Set when the retention period ran out: names, number, e-mail and account are gone.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")
        ordering = ["family_name", "given_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pupil_number"],
                name="pupil_number_unique_per_school",
                violation_error_message=_("This school already has a pupil with this number."),
            ),
            models.CheckConstraint(
                condition=~Q(pupil_number=""),
                name="pupil_number_not_empty",
                violation_error_message=_("A pupil number is required."),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return " ".join(
            p for p in (self.given_name, self.family_name_prefix, self.family_name) if p
        )

    @property
    def sort_name(self):
        """'Berg, Anna van den' as Dutch class lists sort."""
        prefix = f" {self.family_name_prefix}" if self.family_name_prefix else ""
        return f"{self.family_name}, {self.given_name}{prefix}"


class Enrolment(models.Model):
    """A pupil in a group, from one date to another within the group's school year."""

    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("pupil")
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("group")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "group"],
                name="enrolment_unique_per_group",
                violation_error_message=_("This pupil is already enrolled in this group."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="enrolment_ends_after_start",
                violation_error_message=_("An enrolment cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="enrolment_period_idx")]

    def __str__(self):
        return f"{self.pupil} in {self.group}"

    def clean(self):
        if not (self.group_id and self.starts_on and self.ends_on):
            return
        year = self.group.school_year
        if self.starts_on < year.starts_on or self.ends_on > year.ends_on:
            raise ValidationError(
                _("An enrolment in %(group)s must lie within the school year %(year)s.")
                % {"group": self.group.name, "year": year.name}
            )
        overlapping = Enrolment.objects.filter(
            pupil_id=self.pupil_id, starts_on__lte=self.ends_on, ends_on__gte=self.starts_on
        ).exclude(pk=self.pk)
        if self.pupil_id and overlapping.exists():
            raise ValidationError(_("This pupil is already enrolled in a group in this period."))


class Instrument(models.Model):
    """A test for one skill: scored (max score, cut scores per level) or rated as a level."""

    class Kind(models.TextChoices):
        SCORED = "scored", _("scored")
        RATED = "rated", _("rated as a level")

    name = models.CharField(_("name"), max_length=200)
    skill = models.CharField(_("skill"), max_length=20, choices=Skill.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    max_score = models.DecimalField(
        _("maximum score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instruments",
        verbose_name=_("school"),
        help_text=_("Empty for an instrument every school in the city can use."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["name", "skill"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="scored", max_score__isnull=False, max_score__gt=0)
                    | Q(kind="rated", max_score__isnull=True)
                ),
                name="instrument_max_score_fits_kind",
                violation_error_message=_(
                    "A scored instrument needs a maximum score above 0; a rated one has none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(skill__in=Skill.values),
                name="instrument_skill_valid",
                violation_error_message=_("Unknown skill."),
            ),
            models.UniqueConstraint(
                fields=["name", "skill"],
                condition=Q(school__isnull=True),
                name="instrument_city_name_unique",
                violation_error_message=_("A city-wide instrument with this name already exists."),
            ),
            models.UniqueConstraint(
                fields=["school", "name", "skill"],
                name="instrument_school_name_unique",
                violation_error_message=_("This school already has an instrument with this name."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_skill_display()})"

    @property
    def is_scored(self):
        return self.kind == self.Kind.SCORED


class InstrumentAlias(models.Model):
    """Another name by which files call an instrument ("Goethe B1 lezen" for "Goethe-Zertifikat
    B1 Lesen"): a results import recognises it as the instrument's own name."""

    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.CASCADE,
        related_name="aliases",
        verbose_name=_("instrument"),
    )
    name = models.CharField(_("other name"), max_length=200)

    class Meta:
        verbose_name = _("other name of an instrument")
        verbose_name_plural = _("other names of an instrument")
        ordering = ["instrument", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "instrument",
                name="instrumentalias_once_per_instrument",
                violation_error_message=_("The instrument already has this name."),
            ),
        ]

    def __str__(self):
        return self.name


class CutScore(models.Model):
    """The minimum score at which a scored instrument certifies a level."""

    instrument = models.ForeignKey(
        Instrument,
        on_delete=models.CASCADE,
        related_name="cut_scores",
        verbose_name=_("instrument"),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    min_score = models.DecimalField(_("minimum score"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("cut score")
        verbose_name_plural = _("cut scores")
        ordering = ["instrument", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "level"],
                name="cutscore_one_per_level",
                violation_error_message=_(
                    "This instrument already has a cut score for this level."
                ),
            ),
            models.CheckConstraint(
                condition=Q(level__gte=Level.A1, level__lte=Level.C2),
                name="cutscore_level_certifiable",
                violation_error_message=_("A cut score certifies a level from A1 to C2."),
            ),
            models.CheckConstraint(
                condition=Q(min_score__gte=0),
                name="cutscore_min_score_not_negative",
                violation_error_message=_("A minimum score cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} ≥ {self.min_score}"


class Result(models.Model):
    """One assessment of one pupil on one skill on one date.

    `skill` repeats the instrument's skill so that progress queries filter and index on it
    without a join; services keep the two equal.
    """

    # No index of its own: the one-per-test-and-date constraint and the latest-result index
    # both begin with the pupil and serve every read by pupil; a third index on the column only
    # cost every insert (an import writes 50 000).
    pupil = models.ForeignKey(
        Pupil,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("pupil"),
        db_index=False,
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="results", verbose_name=_("instrument")
    )
    skill = models.CharField(_("skill"), max_length=20, choices=Skill.choices)
    assessed_on = models.DateField(_("date"))
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    # Who entered it, for the record: Django sets it to NULL when the user goes (through the
    # index below). No database check of the user: the one person of a grid or an import was
    # looked up again for every row at commit (50 000 lookups for a large file).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
        db_constraint=False,
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    # Raised on every change; a save that started from an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    # The history is read by result (its `id`); it needs no index on the pupil, the test or
    # the person who entered it, and no database check of its user (Django sets it to NULL when
    # the user goes): every grid save and import writes a history row per result.
    history = HistoricalRecords(
        excluded_fields=["version"],
        cascade_delete_history=False,
        no_db_index=["pupil", "instrument", "entered_by"],
        user_db_constraint=False,
    )

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["-assessed_on", "-entered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=Level.BELOW_A1, level__lte=Level.C2),
                name="result_level_valid",
                violation_error_message=_("Unknown level."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0),
                name="result_score_not_negative",
                violation_error_message=_("A score cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(skill__in=Skill.values),
                name="result_skill_valid",
                violation_error_message=_("Unknown skill."),
            ),
            # One assessment with one test on one day: a second entry corrects the first.
            models.UniqueConstraint(
                fields=["pupil", "instrument", "assessed_on"],
                name="result_one_per_instrument_and_date",
                violation_error_message=_(
                    "This pupil already has a result of this test on this date."
                ),
            ),
        ]
        indexes = [
            # "Latest result per pupil and skill on a date" walks this index backwards.
            models.Index(
                fields=["pupil", "skill", "assessed_on", "entered_at"],
                name="result_pupil_skill_date_idx",
            ),
        ]

    def __str__(self):
        return f"{self.pupil} – {self.get_skill_display()} {self.get_level_display()}"

    @property
    def shown(self):
        """The result as pages name it: its level, after the score where there is one
        ("12 (A2)")."""
        level = self.get_level_display()
        return f"{plain_number(self.score)} ({level})" if self.score is not None else level

    @property
    def level_code(self):
        return Level(self.level).code


class LevelPeriod(models.Model):
    """A pupil's level in each of the five skills from `valid_from` until the day before
    `valid_to` (None: not yet assessed in that skill).

    Derived from the results and rewritten by `schools.levels` for the pupils every write
    touches, so that "each pupil's levels on date D" is one indexed row per pupil: the figures
    read it instead of searching for the latest results. A new period starts on every date
    with a result in any skill; the last one runs until OPEN_END.
    """

    OPEN_END = datetime.date(9999, 12, 31)

    # No foreign-key constraint in the database: the rows are derived, rewritten by every write
    # of results, and a constraint would be checked again for each of them at commit. Deleting
    # a pupil still deletes their periods (Django's cascade), and `check_levels` proves the table.
    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    valid_from = models.DateField()
    valid_to = models.DateField()
    listening = models.PositiveSmallIntegerField(choices=Level.choices, null=True)
    reading = models.PositiveSmallIntegerField(choices=Level.choices, null=True)
    spoken_interaction = models.PositiveSmallIntegerField(choices=Level.choices, null=True)
    spoken_production = models.PositiveSmallIntegerField(choices=Level.choices, null=True)
    writing = models.PositiveSmallIntegerField(choices=Level.choices, null=True)

    class Meta:
        indexes = [
            # Covers the figures' query: found by pupil, filtered on dates, read without the
            # table.
            models.Index(
                fields=["pupil", "valid_to", "valid_from", *Skill.values],
                name="levelperiod_pupil_dates_idx",
            ),
        ]

    def __str__(self):
        return f"{self.pupil_id} {self.valid_from}–{self.valid_to}"


class ExpectedLevel(models.Model):
    """The level a track is expected to reach in a skill by the end of school.

    City-wide rows (no school) hold the SLO reference levels; a coordinator's row for their
    school overrides them. "A2/B1" is stored as A2 with B1 as the upper level.
    """

    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="expected_levels",
        verbose_name=_("school"),
    )
    track = models.CharField(_("track"), max_length=10, choices=Track.choices)
    skill = models.CharField(_("skill"), max_length=20, choices=Skill.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    upper_level = models.PositiveSmallIntegerField(
        _("up to"), choices=Level.choices, null=True, blank=True
    )
    confirmed = models.BooleanField(
        _("confirmed by the reference"),
        default=True,
        help_text=_("Off where the level rests on secondary sources only."),
    )

    class Meta:
        verbose_name = _("expected level")
        verbose_name_plural = _("expected levels")
        ordering = ["track", "skill"]
        constraints = [
            models.UniqueConstraint(
                fields=["track", "skill"],
                condition=Q(school__isnull=True),
                name="expectedlevel_city_unique",
                violation_error_message=_("The city already has an expected level here."),
            ),
            models.UniqueConstraint(
                fields=["school", "track", "skill"],
                name="expectedlevel_school_unique",
                violation_error_message=_("This school already has an expected level here."),
            ),
            models.CheckConstraint(
                condition=Q(upper_level__isnull=True) | Q(upper_level__gt=F("level")),
                name="expectedlevel_upper_above_level",
                violation_error_message=_("The upper level must be above the level."),
            ),
        ]

    def __str__(self):
        return f"{self.get_track_display()} {self.get_skill_display()}: {self.label}"

    @property
    def label(self):
        if self.upper_level is None:
            return Level(self.level).label
        return f"{Level(self.level).label}/{Level(self.upper_level).label}"


class ImportBatch(models.Model):
    """An uploaded file kept between its dry run and its confirmation.

    A results file's dry run keeps what it would write (`planned`): the confirmation writes
    exactly that, after checking that nothing it rests on changed meanwhile (the pupils are
    still at the school, the results it corrects are still the versions it saw, none of its new
    results was entered since). A pupils file is read and checked again on confirmation.
    """

    class Kind(models.TextChoices):
        PUPILS = "pupils", _("pupils")
        RESULTS = "results", _("results")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    # {"new": [[pupil, instrument, date, score, level]], "changed": [[result, version, score,
    # level]]}: ids, ISO dates, scores as text; None where the file cannot be imported.
    planned = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return self.filename


class SelfAssessment(models.Model):
    """A pupil's own rating of one skill against can-do statements.

    Shown beside the teacher's level and to the pupil's teachers; never counted in any figure.
    """

    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="self_assessments", verbose_name=_("pupil")
    )
    skill = models.CharField(_("skill"), max_length=20, choices=Skill.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    statements = models.JSONField(_("statements ticked"), default=list, blank=True)
    assessed_on = models.DateField(_("date"), default=datetime.date.today)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-assessed_on", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(skill__in=Skill.values),
                name="selfassessment_skill_valid",
                violation_error_message=_("Unknown skill."),
            ),
            models.CheckConstraint(
                condition=Q(level__gte=Level.BELOW_A1, level__lte=Level.C2),
                name="selfassessment_level_valid",
                violation_error_message=_("Unknown level."),
            ),
        ]

    def __str__(self):
        return f"{self.pupil} – {self.get_skill_display()} {self.get_level_display()}"
