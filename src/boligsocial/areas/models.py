"""Key figures per department, area and year; the legal area categories; the local points model; assessments.

Figures live in three tables of the same shape (department, area, reference) so that each has a plain unique key
and an import can upsert in bulk. The legal thresholds are data (`LegalThreshold`, versioned by the year a rule
set took effect), so a year is always computed under the rules in force that year.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from boligsocial.directory.models import Department, HousingArea


class Unit(models.TextChoices):
    SHARE = "share", _("Share (%)")
    PERCENT_OF_AVERAGE = "percent_of_average", _("Per cent of an average")
    TIMES_AVERAGE = "times_average", _("Times the national average")
    COUNT = "count", _("Count")
    NUMBER = "number", _("Number")


class Direction(models.TextChoices):
    HIGHER_IS_WORSE = "higher_worse", _("Higher is worse")
    LOWER_IS_WORSE = "lower_worse", _("Lower is worse")
    NEUTRAL = "neutral", _("Neither")


class Aggregation(models.TextChoices):
    """How an area's figure is derived from its departments when the area has no figure of its own."""

    SUM = "sum", _("Sum of the departments")
    WEIGHTED_MEAN = "weighted_mean", _("Average weighted by residents (an estimate)")
    NONE = "none", _("Not derived: only an area figure counts")


# The built-in indicators: their codes are referenced by the legal thresholds and the default points model.
RESIDENTS = "residents"
OUTSIDE_WORK = "outside_work_education"
CONVICTIONS = "convictions"
CONVICTIONS_SHARE = "convictions_share"
BASIC_SCHOOLING = "basic_schooling"
INCOME = "income"
NON_WESTERN = "non_western"


class Indicator(models.Model):
    """A key figure: built in (the law's criteria and the usual housing figures) or defined by a user."""

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]*$", _("Use lower-case letters, digits and underscores."))],
        help_text=_("Also accepted as a column heading in import files."),
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.SHARE)
    direction = models.CharField(
        _("direction"), max_length=16, choices=Direction.choices, default=Direction.HIGHER_IS_WORSE
    )
    aggregation = models.CharField(
        _("area figure from departments"), max_length=16, choices=Aggregation.choices, default=Aggregation.NONE
    )
    description = models.TextField(_("description"), blank=True)
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)
    position = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """Built-in names are translated; a user's own indicator keeps the name it was given."""
        from .builtins import BUILTIN_LABELS

        return BUILTIN_LABELS.get(self.code, self.name) if self.is_builtin else self.name

    def check_value(self, value: float) -> str | None:
        """Why `value` cannot be a figure of this indicator, or None."""
        if self.unit == Unit.SHARE and not (0 <= value <= 100):
            return _("A share must be between 0 and 100 per cent.")
        if self.unit in (Unit.PERCENT_OF_AVERAGE, Unit.TIMES_AVERAGE) and value < 0:
            return _("The value cannot be negative.")
        if self.unit == Unit.COUNT:
            if value < 0:
                return _("A count cannot be negative.")
            if not float(value).is_integer():
                return _("A count must be a whole number.")
        return None


class FiguresBase(models.Model):
    """The figures of one unit for one year, as {indicator code: number}.

    One row per unit and year rather than per figure: a national import is 80,000 rows instead of 880,000,
    which is what keeps an import within seconds. The importer checks every value against its indicator.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    values = models.JSONField(_("figures"), default=dict, blank=True)
    batch = models.ForeignKey(
        "ImportBatch", verbose_name=_("import"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class DepartmentYear(FiguresBase):
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="figure_years"
    )

    class Meta:
        verbose_name = _("department figures for a year")
        verbose_name_plural = _("department figures")
        ordering = ["department", "year"]
        constraints = [models.UniqueConstraint(fields=["department", "year"], name="department_year_unique")]
        permissions = [("import_figures", _("Can import key figures and record assessments"))]

    def __str__(self) -> str:
        return f"{self.department} {self.year}"


class AreaYear(FiguresBase):
    """An area's own (imported) figures, and those derived from its departments where it has none."""

    area = models.ForeignKey(
        HousingArea, verbose_name=_("housing area"), on_delete=models.CASCADE, related_name="figure_years"
    )
    derived = models.JSONField(_("figures derived from the departments"), default=dict, blank=True)

    class Meta:
        verbose_name = _("area figures for a year")
        verbose_name_plural = _("area figures")
        ordering = ["area", "year"]
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="area_year_unique")]

    def __str__(self) -> str:
        return f"{self.area} {self.year}"

    def effective(self) -> tuple[dict[str, float], set[str]]:
        """The figures to use (the area's own first) and the codes taken from the departments."""
        return {**self.derived, **self.values}, set(self.derived) - set(self.values)


class ReferenceScope(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    NATIONAL = "national", _("Whole country")


class ReferenceYear(FiguresBase):
    """Municipal or national values to compare with; `municipality` is empty for the national values."""

    scope = models.CharField(_("scope"), max_length=16, choices=ReferenceScope.choices)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("reference figures for a year")
        verbose_name_plural = _("reference figures")
        ordering = ["scope", "municipality", "year"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "municipality", "year"], name="reference_year_unique"),
            models.CheckConstraint(
                condition=(models.Q(scope="national", municipality="") | models.Q(scope="municipality"))
                & ~models.Q(scope="municipality", municipality=""),
                name="reference_year_municipality_by_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality or self.get_scope_display()} {self.year}"


# --- Import ------------------------------------------------------------------------------------------------


class ImportLevel(models.TextChoices):
    DEPARTMENT = "department", _("Departments")
    AREA = "area", _("Housing areas")
    MUNICIPALITY = "municipality", _("Municipal reference values")
    NATIONAL = "national", _("National reference values")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Imported")
    CANCELLED = "cancelled", _("Cancelled")


class ImportBatch(models.Model):
    """An uploaded file between preview and confirmation, then the record of what was imported.

    The file is kept here, not in the session: it can be several megabytes (sessions are meant for small data
    and may be signed cookies), it must survive across server processes, and confirming re-reads exactly the
    bytes the user previewed. The content is cleared once the import is confirmed or cancelled.
    """

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    level = models.CharField(_("figures for"), max_length=16, choices=ImportLevel.choices)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file content"), blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    dropped_rows = models.JSONField(_("rows left out"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    confirmed_at = models.DateTimeField(_("imported"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows imported"), default=0)
    figure_count = models.PositiveIntegerField(_("figures imported"), default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


# --- Legal categories ----------------------------------------------------------------------------------------


class LegalCategory(models.TextChoices):
    VULNERABLE = "vulnerable", _("Vulnerable housing area")
    PARALLEL = "parallel", _("Parallel society")
    TRANSFORMATION = "transformation", _("Transformation area")
    PREVENTION = "prevention", _("Prevention area")


class LegalRuleVersion(models.Model):
    """A set of legal thresholds in force from `valid_from_year` until the next version."""

    valid_from_year = models.PositiveSmallIntegerField(_("in force from the year"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.TextField(_("legal source"), blank=True)

    class Meta:
        verbose_name = _("legal rule version")
        verbose_name_plural = _("legal rule versions")
        ordering = ["valid_from_year"]

    def __str__(self) -> str:
        return f"{self.valid_from_year}: {self.name}"


class ThresholdKind(models.TextChoices):
    REQUIRED = "required", _("Must be met")
    CRITERION = "criterion", _("Counts towards the criteria")
    MIN_CRITERIA = "min_criteria", _("Number of criteria that must be met")
    CONSECUTIVE_YEARS = "consecutive_years", _("Years in a row as a parallel society")


class Operator(models.TextChoices):
    GT = "gt", _("over")
    GTE = "gte", _("at least")
    LT = "lt", _("under")
    LTE = "lte", _("at most")


class LegalThreshold(models.Model):
    """One number of the law: a criterion on an indicator, how many criteria must be met, or how many years."""

    version = models.ForeignKey(
        LegalRuleVersion, verbose_name=_("rule version"), on_delete=models.CASCADE, related_name="thresholds"
    )
    category = models.CharField(_("category"), max_length=16, choices=LegalCategory.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ThresholdKind.choices)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    operator = models.CharField(_("comparison"), max_length=4, choices=Operator.choices, blank=True)
    value = models.DecimalField(_("threshold"), max_digits=10, decimal_places=3)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("legal threshold")
        verbose_name_plural = _("legal thresholds")
        ordering = ["version__valid_from_year", "category", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.get_kind_display()}"

    def clean(self) -> None:
        compares = self.kind in (ThresholdKind.REQUIRED, ThresholdKind.CRITERION)
        if compares and (self.indicator_id is None or not self.operator):
            raise ValidationError({"indicator": _("A criterion needs an indicator and a comparison.")})
        if not compares and (self.indicator_id is not None or self.operator):
            raise ValidationError({"indicator": _("A count of criteria or years has no indicator or comparison.")})
        if self.kind == ThresholdKind.CONSECUTIVE_YEARS and self.category != LegalCategory.TRANSFORMATION:
            raise ValidationError({"kind": _("Only a transformation area is defined by years in a row.")})


# --- Local categorisation --------------------------------------------------------------------------------


class Colour(models.TextChoices):
    RED = "red", _("Red")
    ORANGE = "orange", _("Orange")
    YELLOW = "yellow", _("Yellow")
    GREEN = "green", _("Green")


FOLLOW_UP_COLOURS = (Colour.RED, Colour.ORANGE, Colour.YELLOW)


class PointsModel(models.Model):
    """The local categorisation: points for each indicator's distance from the municipal average.

    For each indicator the distance is the deviation from the municipal average in per cent of that average,
    counted in the worse direction; every `step` per cent gives one point, at most `max_points`, times the
    weight. The sum decides the colour. Only one model is active.
    """

    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    red_from = models.DecimalField(_("red from points"), max_digits=6, decimal_places=2, default=Decimal(10))
    orange_from = models.DecimalField(_("orange from points"), max_digits=6, decimal_places=2, default=Decimal(6))
    yellow_from = models.DecimalField(_("yellow from points"), max_digits=6, decimal_places=2, default=Decimal(3))
    trend_years = models.PositiveSmallIntegerField(
        _("years in the trend period"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    trend_margin = models.DecimalField(
        _("trend margin"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("How much more an area's score must rise than comparable areas' before it is flagged."),
    )

    class Meta:
        verbose_name = _("points model")
        verbose_name_plural = _("points models")
        ordering = ["-is_active", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="points_model_one_active"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not (self.red_from > self.orange_from > self.yellow_from > 0):
            raise ValidationError(
                {"red_from": _("Red must need more points than orange, and orange more than yellow.")}
            )


class PointsModelIndicator(models.Model):
    model = models.ForeignKey(PointsModel, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(Decimal(0))]
    )
    step = models.DecimalField(
        _("per cent from the average per point"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(25),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    max_points = models.PositiveSmallIntegerField(_("most points"), default=4)

    class Meta:
        verbose_name = _("indicator in the points model")
        verbose_name_plural = _("indicators in the points model")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["model", "indicator"], name="points_model_indicator_once")]

    def __str__(self) -> str:
        return str(self.indicator)


class ComparisonGroup(models.Model):
    """Areas a user chose to compare with each other for the trend flag, instead of the same colour."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    areas = models.ManyToManyField(
        HousingArea, verbose_name=_("housing areas"), through="ComparisonGroupMember", related_name="+"
    )

    class Meta:
        verbose_name = _("comparison group")
        verbose_name_plural = _("comparison groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ComparisonGroupMember(models.Model):
    group = models.ForeignKey(ComparisonGroup, on_delete=models.CASCADE, related_name="members")
    area = models.OneToOneField(
        HousingArea, verbose_name=_("housing area"), on_delete=models.CASCADE, related_name="comparison_membership"
    )

    class Meta:
        verbose_name = _("area in a comparison group")
        verbose_name_plural = _("areas in a comparison group")

    def __str__(self) -> str:
        return f"{self.group}: {self.area}"


# --- Computed results --------------------------------------------------------------------------------------


class AreaResult(models.Model):
    """What was computed for an area and a year: legal categories, colour, trend. Rebuilt by classify_all.

    The criteria behind each result are recomputed on the area page from the same figures and rules.
    """

    area = models.ForeignKey(HousingArea, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    residents = models.IntegerField(_("residents"), null=True)
    rule_version = models.ForeignKey(LegalRuleVersion, null=True, on_delete=models.SET_NULL, related_name="+")
    is_vulnerable = models.BooleanField(default=False)
    is_parallel = models.BooleanField(default=False)
    is_transformation = models.BooleanField(default=False)
    is_prevention = models.BooleanField(default=False)
    colour = models.CharField(_("category"), max_length=8, choices=Colour.choices, blank=True)
    points = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    score = models.DecimalField(max_digits=10, decimal_places=3, null=True)
    trend_flag = models.BooleanField(_("developing worse than comparable areas"), default=False)
    trend = models.JSONField(default=dict)
    estimated = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="area_result_unique")]
        indexes = [models.Index(fields=["year", "colour"])]

    def __str__(self) -> str:
        return f"{self.area} {self.year}"


# --- Qualitative assessment ------------------------------------------------------------------------------


class Assessment(models.Model):
    """A qualitative assessment of an area: numbers never stand alone."""

    area = models.ForeignKey(
        HousingArea, verbose_name=_("housing area"), on_delete=models.CASCADE, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("figures for the year"))
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    participants = models.TextField(_("who took part"), blank=True)
    staff_view = models.TextField(_("what front-line staff say"), blank=True)
    board_view = models.TextField(_("what the department boards say"), blank=True)
    caretaker_view = models.TextField(_("what caretakers and estate staff say"), blank=True)
    conclusion = models.TextField(_("assessment and next step"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("qualitative assessment")
        verbose_name_plural = _("qualitative assessments")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["area", "-assessed_on"])]

    def __str__(self) -> str:
        return f"{self.area} {self.assessed_on}"
