"""Filters for the key-figure pages: numbers with their unit, labels for categories and comparisons."""

from typing import Any

from django import template

from boligsocial.areas.charts import format_value
from boligsocial.areas.models import Colour, LegalCategory, Operator

register = template.Library()


@register.filter
def figure(value: Any, unit: str) -> str:
    """A figure with a Danish decimal comma and its unit (%, ×)."""
    return format_value(value, unit)


@register.filter
def lookup(mapping: dict, key: Any) -> Any:
    """mapping[key], or None."""
    return mapping.get(key) if mapping else None


@register.filter
def category_label(category: str) -> str:
    return LegalCategory(category).label


@register.filter
def colour_label(colour: str) -> str:
    return Colour(colour).label if colour else ""


@register.filter
def operator_label(op: str) -> str:
    return Operator(op).label if op else ""


@register.filter
def points(value: Any) -> str:
    """Points without needless decimals."""
    if value is None:
        return "–"
    return format_value(float(value), "number")
