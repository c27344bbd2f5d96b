"""The built-in indicators, the legal rule versions and the default points model, as plain data.

The data migration installs them; afterwards they are rows an administrator may adjust. Read docs/areas.md for
where each legal number comes from and what was assumed.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class BuiltinIndicator:
    code: str
    name: str
    unit: str
    direction: str
    aggregation: str
    aliases: tuple[str, ...] = field(default=())


BUILTIN_INDICATORS = (
    BuiltinIndicator("residents", "Residents", "count", "neutral", "sum", ("beboere", "antal_beboere", "indbyggere")),
    BuiltinIndicator(
        "outside_work_education",
        "Residents 18-64 outside work or education (2-year average)",
        "share",
        "higher_worse",
        "weighted_mean",
        ("uden_for_arbejde_eller_uddannelse", "uden_tilknytning", "uden_arbejde_eller_uddannelse", "arbejdsmarked"),
    ),
    BuiltinIndicator(
        "convictions",
        "Convictions relative to the national average (2-year average)",
        "times_average",
        "higher_worse",
        "weighted_mean",
        ("doemte", "domte", "domfaeldte", "kriminalitet"),
    ),
    BuiltinIndicator(
        "convictions_share",
        "Residents 18+ convicted (2-year average; the rules before 2018)",
        "share",
        "higher_worse",
        "weighted_mean",
        ("doemte_andel", "doemte_pct", "andel_doemte"),
    ),
    BuiltinIndicator(
        "basic_schooling",
        "Residents 30-59 with only basic schooling",
        "share",
        "higher_worse",
        "weighted_mean",
        ("grundskole", "kun_grundskole", "uddannelse"),
    ),
    BuiltinIndicator(
        "income",
        "Average gross income of 15-64-year-olds relative to the regional average",
        "percent_of_average",
        "lower_worse",
        "weighted_mean",
        ("indkomst", "bruttoindkomst"),
    ),
    BuiltinIndicator(
        "non_western",
        "Non-Western immigrants and descendants",
        "share",
        "neutral",
        "weighted_mean",
        ("ikke_vestlige", "ikkevestlige", "indvandrere_og_efterkommere"),
    ),
    BuiltinIndicator(
        "moving_out",
        "Households moving out",
        "share",
        "higher_worse",
        "weighted_mean",
        ("fraflytning", "fraflyttede_husstande", "flytninger"),
    ),
    BuiltinIndicator("evictions", "Evictions", "count", "higher_worse", "sum", ("udsaettelser", "exmitteringer")),
    BuiltinIndicator("rent_arrears", "Rent arrears", "count", "higher_worse", "sum", ("restancer", "huslejerestancer")),
    BuiltinIndicator(
        "complaints", "House-rule complaints", "count", "higher_worse", "sum", ("klager", "husordensklager")
    ),
)

# Translated names for the built-in indicators (the stored name is the English original).
BUILTIN_LABELS = {
    "residents": _("Residents"),
    "outside_work_education": _("Residents 18-64 outside work or education (2-year average)"),
    "convictions": _("Convictions relative to the national average (2-year average)"),
    "convictions_share": _("Residents 18+ convicted (2-year average; the rules before 2018)"),
    "basic_schooling": _("Residents 30-59 with only basic schooling"),
    "income": _("Average gross income of 15-64-year-olds relative to the regional average"),
    "non_western": _("Non-Western immigrants and descendants"),
    "moving_out": _("Households moving out"),
    "evictions": _("Evictions"),
    "rent_arrears": _("Rent arrears"),
    "complaints": _("House-rule complaints"),
}

ALIASES = {b.code: b.aliases for b in BUILTIN_INDICATORS}

# (category, kind, indicator code or None, operator, value); the thresholds of one rule version.
Row = tuple[str, str, str | None, str, str]


def _at_least_1000(category: str) -> Row:
    return (category, "required", "residents", "gte", "1000")


def _four_criteria(category: str, outside: str, convictions: str, income: str) -> list[Row]:
    return [
        (category, "criterion", "outside_work_education", "gt", outside),
        (category, "criterion", "convictions", "gte", convictions),
        (category, "criterion", "basic_schooling", "gt", "60"),
        (category, "criterion", "income", "lt", income),
        (category, "min_criteria", None, "", "2"),
    ]


def _old_list(category: str) -> list[Row]:
    # Before 2018 there was one list (særligt udsatte boligområder, "ghettolisten"): 3 of 5 criteria, where the
    # crime criterion was an absolute share (2.7 % of residents 18+) and basic schooling was over 50 %.
    return [
        _at_least_1000(category),
        (category, "criterion", "outside_work_education", "gt", "40"),
        (category, "criterion", "non_western", "gt", "50"),
        (category, "criterion", "convictions_share", "gt", "2.7"),
        (category, "criterion", "basic_schooling", "gt", "50"),
        (category, "criterion", "income", "lt", "55"),
        (category, "min_criteria", None, "", "3"),
    ]


def _rules_2018() -> list[Row]:
    return [
        _at_least_1000("vulnerable"),
        *_four_criteria("vulnerable", "40", "3", "55"),
        _at_least_1000("parallel"),
        ("parallel", "required", "non_western", "gt", "50"),
        *_four_criteria("parallel", "40", "3", "55"),
        ("transformation", "consecutive_years", None, "", "5"),
    ]


LEGAL_RULE_VERSIONS = (
    (
        2013,
        "Særligt udsatte boligområder: 3 af 5 kriterier",
        "Almenboligloven § 61 a som ændret i 2013 (listerne 2013–2017). Den gamle liste er registreret både som "
        "udsat boligområde og som parallelsamfund (tidligere ghettoområde), så femårsreglen for omdannelsesområder "
        "tæller årene på den gamle liste med, som det skete ved listen i 2018.",
        [*_old_list("vulnerable"), *_old_list("parallel")],
    ),
    (
        2018,
        "Udsatte boligområder, ghettoområder og hårde ghettoområder",
        "Almenboligloven § 61 a som ændret i 2018 (parallelsamfundspakken). Ghettoområde hedder nu parallelsamfund "
        "og hårdt ghettoområde omdannelsesområde.",
        _rules_2018(),
    ),
    (
        2021,
        "Udsatte boligområder, parallelsamfund, omdannelses- og forebyggelsesområder",
        "Almenboligloven § 61 a og § 61 b (2021).",
        [
            *_rules_2018(),
            _at_least_1000("prevention"),
            ("prevention", "required", "non_western", "gt", "30"),
            *_four_criteria("prevention", "30", "2", "65"),
        ],
    ),
)

# indicator code, weight, per cent from the municipal average per point, most points
DEFAULT_POINTS_MODEL = (
    ("outside_work_education", Decimal(1), Decimal(25), 4),
    ("convictions", Decimal(1), Decimal(25), 4),
    ("basic_schooling", Decimal(1), Decimal(20), 4),
    ("income", Decimal(1), Decimal(10), 4),
    ("moving_out", Decimal(1), Decimal(25), 4),
)


def install(apps) -> None:
    """Create the built-in indicators, legal rule versions and the default points model (idempotent)."""
    indicator_model = apps.get_model("areas", "Indicator")
    version_model = apps.get_model("areas", "LegalRuleVersion")
    threshold_model = apps.get_model("areas", "LegalThreshold")
    points_model = apps.get_model("areas", "PointsModel")
    points_item = apps.get_model("areas", "PointsModelIndicator")
    indicators = {}
    for position, b in enumerate(BUILTIN_INDICATORS, start=1):
        indicators[b.code], _created = indicator_model.objects.get_or_create(
            code=b.code,
            defaults={
                "name": b.name,
                "unit": b.unit,
                "direction": b.direction,
                "aggregation": b.aggregation,
                "is_builtin": True,
                "position": position,
            },
        )
    for year, name, source, rows in LEGAL_RULE_VERSIONS:
        version, created = version_model.objects.get_or_create(
            valid_from_year=year, defaults={"name": name, "source": source}
        )
        if not created:
            continue
        threshold_model.objects.bulk_create(
            threshold_model(
                version=version,
                category=category,
                kind=kind,
                indicator=indicators[code] if code else None,
                operator=operator,
                value=Decimal(value),
                position=position,
            )
            for position, (category, kind, code, operator, value) in enumerate(rows)
        )
    if not points_model.objects.exists():
        model = points_model.objects.create(name="Lokal model (standard)", is_active=True)
        points_item.objects.bulk_create(
            points_item(model=model, indicator=indicators[code], weight=weight, step=step, max_points=cap)
            for code, weight, step, cap in DEFAULT_POINTS_MODEL
        )
