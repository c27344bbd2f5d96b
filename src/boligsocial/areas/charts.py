"""Line charts as inline SVG, drawn on the server: no JavaScript, no chart library, nothing from a CDN.

Colours and line styles are SVG presentation attributes, not style attributes, so the page's
Content-Security-Policy needs no unsafe-inline. Each point carries a <title> with its value, and the page shows
the same numbers in a table beside the chart for screen readers and exact reading.
"""

import itertools
import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Unit

WIDTH, HEIGHT = 600, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 64

STYLES = {
    # stroke, dash pattern, marker radius
    "unit": ("#0b4f8a", "", 4),
    "municipal": ("#8a4b00", "6 4", 3),
    "national": ("#555555", "2 3", 3),
}

_ids = itertools.count(1)


@dataclass
class Series:
    label: str
    values: dict[int, float | None]
    style: str


def format_value(value: float | None, unit: str) -> str:
    """A value as Danish readers expect it: decimal comma, and the unit where it has one."""
    if value is None:
        return "–"
    value = float(value)
    decimals = 0 if unit == Unit.COUNT or value.is_integer() else (2 if unit == Unit.TIMES_AVERAGE else 1)
    # Danish notation (1.234,5) by hand: this runs for every number on a page, and Django's localised
    # number_format costs several times more.
    text = f"{value:,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if unit in (Unit.SHARE, Unit.PERCENT_OF_AVERAGE):
        return f"{text} %"
    if unit == Unit.TIMES_AVERAGE:
        return f"{text} ×"
    return text


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def line_chart(*, title: str, unit: str, years: list[int], series: list[Series]) -> SafeString:
    """An SVG line chart of `series` over `years`; a gap where a value is missing or suppressed."""
    chart_id = f"chart-{next(_ids)}"
    present = [v for s in series for v in s.values.values() if v is not None]
    top = _nice_ceiling(max(present) * 1.05) if present else 1.0
    if unit == Unit.SHARE and present and max(present) <= 100:
        top = min(top, 100.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = (years[-1] - years[0]) or 1

    def x(year: int) -> float:
        return LEFT + plot_w / 2 if len(years) == 1 else LEFT + plot_w * (year - years[0]) / span

    def y(value: float) -> float:
        return TOP + plot_h * (1 - float(value) / top)

    description = _("The values are also in the table below the chart.")
    # Plain strings with every text escaped: a page draws a dozen charts, and format_html per element
    # cost more than the rest of the page.
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    for i in range(5):
        value = top * i / 4
        level = y(value)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{level:.1f}" y2="{level:.1f}" stroke="#d0d0d0" '
            f'stroke-width="1"/><text x="{LEFT - 6}" y="{level + 4:.1f}" font-size="12" text-anchor="end" '
            f'fill="#1b1b1b">{escape(format_value(value, unit))}</text>'
        )
    label_every = max(1, math.ceil(len(years) / 8))
    for index, year in enumerate(years):
        if index % label_every == 0 or index == len(years) - 1:
            parts.append(
                f'<text x="{x(year):.1f}" y="{HEIGHT - BOTTOM + 18}" font-size="12" text-anchor="middle" '
                f'fill="#1b1b1b">{year}</text>'
            )
    legend_x, legend_y = LEFT, HEIGHT - 34
    for s in series:
        if not any(v is not None for v in s.values.values()):
            continue
        stroke, dash, radius = STYLES[s.style]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        runs, run = [], []
        for year in years:
            value = s.values.get(year)
            if value is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(f"{x(year):.1f},{y(value):.1f}")
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{stroke}" stroke-width="2"{dash_attr}/>'
                )
        label = escape(s.label)
        for year in years:
            value = s.values.get(year)
            if value is not None:
                parts.append(
                    f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="{radius}" fill="{stroke}">'
                    f"<title>{label}, {year}: {escape(format_value(value, unit))}</title></circle>"
                )
        width = 40 + 7 * len(s.label)
        if legend_x + width > WIDTH and legend_x > LEFT:
            legend_x, legend_y = LEFT, legend_y + 18
        parts.append(
            f'<line x1="{legend_x}" x2="{legend_x + 20}" y1="{legend_y}" y2="{legend_y}" stroke="{stroke}" '
            f'stroke-width="2"{dash_attr}/><text x="{legend_x + 24}" y="{legend_y + 4}" font-size="12" '
            f'fill="#1b1b1b">{label}</text>'
        )
        legend_x += width
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above
