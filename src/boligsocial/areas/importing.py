"""Reading and checking an import file: CSV or XLSX, a column mapping, and every rejected row with its reason.

Nothing here writes. `check_file` is run for the preview and again on confirmation, over the same stored bytes,
so what is imported is exactly what was previewed (against the directory as it is at confirmation).
"""

import csv
import datetime
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boligsocial.directory.models import Department, HousingArea

from .builtins import ALIASES
from .models import ImportLevel, Indicator, Unit

# Mapping targets: a key column, an indicator ("ind:<code>"), or "" to leave the column out.
DEPARTMENT, ORGANISATION, AREA, MUNICIPALITY, YEAR = "department", "organisation", "area", "municipality", "year"
IGNORE = ""

KEY_LABELS = {
    DEPARTMENT: gettext_lazy("Department number"),
    ORGANISATION: gettext_lazy("Housing organisation"),
    AREA: gettext_lazy("Housing area"),
    MUNICIPALITY: gettext_lazy("Municipality"),
    YEAR: gettext_lazy("Year"),
}

KEY_ALIASES = {
    DEPARTMENT: ("afdeling", "afdelingsnummer", "afd", "afd_nr", "afdnr", "department", "department_code"),
    ORGANISATION: ("boligorganisation", "boligselskab", "organisation", "housing_organisation"),
    AREA: ("boligomraade", "omraade", "area", "housing_area"),
    MUNICIPALITY: ("kommune", "municipality"),
    YEAR: ("aar", "year", "statistikaar", "opgoerelsesaar"),
}

# Shown in the message when a key column is missing.
KEY_EXAMPLES = {
    DEPARTMENT: "afdeling",
    ORGANISATION: "boligorganisation",
    AREA: "boligområde",
    MUNICIPALITY: "kommune",
    YEAR: "år",
}

# The key columns each level needs (required) and may have (optional).
LEVEL_KEYS = {
    ImportLevel.DEPARTMENT: ((DEPARTMENT, YEAR), (ORGANISATION,)),
    ImportLevel.AREA: ((AREA, YEAR), ()),
    ImportLevel.MUNICIPALITY: ((MUNICIPALITY, YEAR), ()),
    ImportLevel.NATIONAL: ((YEAR,), ()),
}

# Statistics tables write these for "no figure" (e.g. Statistics Denmark's ".." for a figure withheld).
NO_VALUE = {"", "..", "-", "–", "—"}

MAX_ROWS = 200_000


def normalise(text: str) -> str:
    """A heading reduced for matching: lower case, æøå spelled out, other marks dropped, words joined by _."""
    text = str(text).strip().lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


# --- Reading ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (line number in the file, cells)


def _read_csv(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    # Danish spreadsheets save CSV with semicolons (the comma is the decimal sign).
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = next(reader, [])
    rows = [(reader.line_num, cells) for cells in reader if "".join(cells).strip()]
    return Table(headers=[h.strip() for h in headers], rows=rows)


def _read_xlsx(content: bytes) -> Table:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        headers = next(lines, ())
        rows = [
            (number, list(cells))
            for number, cells in enumerate(lines, start=2)
            if any(c is not None and str(c).strip() for c in cells)
        ]
    finally:
        workbook.close()
    while headers and headers[-1] is None:
        headers = headers[:-1]
    return Table(headers=["" if h is None else str(h).strip() for h in headers], rows=rows)


def read_table(filename: str, content: bytes) -> Table:
    """The headings and rows of a CSV or XLSX file; a ValidationError (field `file`) if it cannot be read."""
    is_xlsx = content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")
    try:
        table = _read_xlsx(content) if is_xlsx else _read_csv(content)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, csv.Error) as exc:
        raise ValidationError(
            {"file": _("The file could not be read. Upload a CSV file or an Excel workbook (.xlsx).")}
        ) from exc
    if not any(table.headers):
        raise ValidationError({"file": _("The file is empty: the first row must hold the column headings.")})
    if len(table.rows) > MAX_ROWS:
        raise ValidationError({"file": _("The file has more than %(n)s rows. Split it up.") % {"n": MAX_ROWS}})
    return table


# --- Mapping -------------------------------------------------------------------------------------------------


def targets(level: str, indicators: Iterable[Indicator]) -> list[tuple[str, str]]:
    """What a column can be mapped to at this level: its key columns, every indicator, or nothing."""
    required, optional = LEVEL_KEYS[level]
    choices = [(IGNORE, _("Leave the column out"))]
    choices += [(key, str(KEY_LABELS[key])) for key in (*required, *optional)]
    choices += [(f"ind:{i.code}", str(i.label)) for i in indicators]
    return choices


def auto_mapping(headers: list[str], level: str, indicators: Iterable[Indicator]) -> dict[str, str]:
    """The mapping of each heading recognised by code, name or a usual Danish heading; others are left out."""
    required, optional = LEVEL_KEYS[level]
    known: dict[str, str] = {}
    for key in (*required, *optional):
        for alias in KEY_ALIASES[key]:
            known[alias] = key
    for indicator in indicators:
        target = f"ind:{indicator.code}"
        for alias in (indicator.code, indicator.name, str(indicator.label), *ALIASES.get(indicator.code, ())):
            known.setdefault(normalise(alias), target)
    mapping, used = {}, set()
    for header in headers:
        target = known.get(normalise(header), IGNORE)
        if target and target in used:
            target = IGNORE
        used.add(target)
        mapping[header] = target
    return mapping


# --- Checking ------------------------------------------------------------------------------------------------


@dataclass
class RowError:
    column: str | None
    message: str


@dataclass
class GoodRow:
    line: int
    key: Any  # department id, area id, municipality name, or "" for the national figures
    label: str
    year: int
    values: dict[str, float | int]


@dataclass
class Checked:
    headers: list[str]
    mapping: dict[str, str]
    file_errors: list[str] = field(default_factory=list)
    rows: list[GoodRow] = field(default_factory=list)
    rejected: dict[int, list[RowError]] = field(default_factory=dict)
    dropped: set[int] = field(default_factory=set)
    rows_read: int = 0

    @property
    def figure_count(self) -> int:
        return sum(len(r.values) for r in self.rows)

    @property
    def blocking(self) -> list[int]:
        """Rejected rows the user has not left out: each stops the import."""
        return sorted(line for line in self.rejected if line not in self.dropped)

    @property
    def can_confirm(self) -> bool:
        return not self.file_errors and not self.blocking and bool(self.rows)


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_number(cell: Any) -> float | None:
    """A number from a cell: Excel numbers as they are; text in Danish (1.234,5) or English (1234.5) notation,
    with an optional % sign. None for an empty cell; ValueError for text that is not a number."""
    if cell is None:
        return None
    if isinstance(cell, bool | datetime.date):
        raise ValueError(cell)
    if isinstance(cell, int | float):
        if not math.isfinite(cell):
            raise ValueError(cell)
        return float(cell)
    text = str(cell).strip()
    if text in NO_VALUE:
        return None
    text = text.replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    if not _NUMBER.fullmatch(text):
        raise ValueError(cell)
    return float(text)


def _shown(value: float) -> str:
    return formats.number_format(int(value) if value.is_integer() else value, use_l10n=True)


class Keys:
    """Resolves the key cells of a row to a department, area or municipality, with Danish reasons."""

    def __init__(self, level: str) -> None:
        self.level = level
        if level == ImportLevel.DEPARTMENT:
            # (id, label) per department, by number and by (organisation, number).
            self.by_code: dict[str, list[tuple[int, str]]] = {}
            self.by_org_code: dict[tuple[str, str], tuple[int, str]] = {}
            self.organisations: set[str] = set()
            rows = Department.objects.exclude(code="").values_list("pk", "code", "name", "housing_organisation__name")
            for pk, raw_code, name, org_name in rows:
                code = self._code(raw_code)
                found = (pk, f"{raw_code} {name} ({org_name})")
                self.by_code.setdefault(code, []).append(found)
                org = org_name.casefold()
                self.organisations.add(org)
                self.by_org_code[(org, code)] = found
        elif level == ImportLevel.AREA:
            self.areas = {a.name.casefold(): a for a in HousingArea.objects.all()}
        elif level == ImportLevel.MUNICIPALITY:
            names = HousingArea.objects.values_list("municipality", flat=True).distinct()
            self.municipalities = {n.casefold(): n for n in names}

    @staticmethod
    def _code(code: str) -> str:
        # Excel turns "012" into the number 12.
        return code.strip().lstrip("0") or "0"

    def resolve(self, cells: dict[str, Any], columns: dict[str, str]) -> tuple[Any, str] | RowError:
        """(key, label) for the row, or the error naming the column."""
        if self.level == ImportLevel.NATIONAL:
            return "", _("Whole country")
        if self.level == ImportLevel.AREA:
            name = _text(cells[AREA])
            if not name:
                return RowError(columns[AREA], _("The housing area is missing."))
            area = self.areas.get(name.casefold())
            if area is None:
                return RowError(columns[AREA], _("There is no housing area named “%(name)s”.") % {"name": name})
            return area.pk, area.name
        if self.level == ImportLevel.MUNICIPALITY:
            name = _text(cells[MUNICIPALITY])
            if not name:
                return RowError(columns[MUNICIPALITY], _("The municipality is missing."))
            name = self.municipalities.get(name.casefold(), name)
            return name, name
        code = _text(cells[DEPARTMENT])
        if not code:
            return RowError(columns[DEPARTMENT], _("The department number is missing."))
        key = self._code(code)
        if ORGANISATION in cells and _text(cells[ORGANISATION]):
            org = _text(cells[ORGANISATION])
            if org.casefold() not in self.organisations:
                return RowError(
                    columns[ORGANISATION], _("There is no housing organisation named “%(name)s”.") % {"name": org}
                )
            department = self.by_org_code.get((org.casefold(), key))
            if department is None:
                return RowError(
                    columns[DEPARTMENT],
                    _("%(org)s has no department number %(code)s.") % {"org": org, "code": code},
                )
        else:
            found = self.by_code.get(key, [])
            if not found:
                return RowError(columns[DEPARTMENT], _("There is no department number %(code)s.") % {"code": code})
            if len(found) > 1:
                return RowError(
                    columns[DEPARTMENT],
                    _(
                        "Department number %(code)s exists in more than one housing organisation; "
                        "add a column with the housing organisation."
                    )
                    % {"code": code},
                )
            department = found[0]
        return department


def check_table(
    table: Table,
    *,
    level: str,
    mapping: dict[str, str],
    indicators: dict[str, Indicator],
    dropped: Iterable[int] = (),
    this_year: int | None = None,
) -> Checked:
    """Every row checked: the rows to import and, for each rejected row, each problem by column."""
    checked = Checked(headers=table.headers, mapping=mapping, dropped=set(dropped))
    this_year = this_year or datetime.date.today().year
    required, optional = LEVEL_KEYS[level]
    seen_headers: set[str] = set()
    for header in table.headers:
        if header in seen_headers:
            checked.file_errors.append(_("Two columns are headed “%(name)s”.") % {"name": header})
        seen_headers.add(header)
    columns: dict[str, str] = {}  # target -> heading
    for header, target in mapping.items():
        if target and header in table.headers:
            columns.setdefault(target, header)
    for key in required:
        if key not in columns:
            checked.file_errors.append(
                _("The column for “%(what)s” is missing (e.g. headed “%(example)s”).")
                % {"what": KEY_LABELS[key], "example": KEY_EXAMPLES[key]}
            )
    indicator_columns = [
        (target.removeprefix("ind:"), header)
        for target, header in columns.items()
        if target.startswith("ind:") and target.removeprefix("ind:") in indicators
    ]
    if not indicator_columns:
        checked.file_errors.append(_("No column is mapped to an indicator, so there is nothing to import."))
    if checked.file_errors:
        return checked

    position = {header: i for i, header in enumerate(table.headers)}
    keys = Keys(level)
    first_line: dict[tuple[Any, int], int] = {}
    width = len(table.headers)
    key_columns = [(k, position[columns[k]]) for k in (*required, *optional) if k in columns]
    # Per indicator column: where it is, and the bounds that let a good value through without a closer look.
    value_columns = []
    for code, header in indicator_columns:
        unit = indicators[code].unit
        low = None if unit == Unit.NUMBER else 0.0
        high = 100.0 if unit == Unit.SHARE else None
        value_columns.append((position[header], code, header, low, high, unit == Unit.COUNT, indicators[code]))
    number = _NUMBER.fullmatch
    for line, cells in table.rows:
        checked.rows_read += 1
        errors: list[RowError] = []
        size = len(cells)
        if size > width and any(_text(c) for c in cells[width:]):
            errors.append(
                RowError(
                    None,
                    _("The row has more cells than there are column headings (a decimal comma in a comma file?)."),
                )
            )
        by_target = {k: (cells[i] if i < size else None) for k, i in key_columns}
        year = None
        year_text = _text(by_target[YEAR])
        if not year_text:
            errors.append(RowError(columns[YEAR], _("The year is missing.")))
        elif not (len(year_text) == 4 and year_text.isascii() and year_text.isdigit()):
            errors.append(RowError(columns[YEAR], _("“%(value)s” is not a year.") % {"value": year_text}))
        else:
            year = int(year_text)
            if year > this_year:
                errors.append(RowError(columns[YEAR], _("The year %(year)s is in the future.") % {"year": year}))
                year = None
            elif year < 1950:
                errors.append(RowError(columns[YEAR], _("The year %(year)s is too early.") % {"year": year}))
                year = None
        resolved = keys.resolve(by_target, columns)
        if isinstance(resolved, RowError):
            errors.append(resolved)
            resolved = None
        values: dict[str, float | int] = {}
        for index, code, header, low, high, whole, indicator in value_columns:
            cell = cells[index] if index < size else None
            # The common case, a plain number as text, without the general parser.
            text = cell.strip() if cell.__class__ is str else None
            if text is not None and "," in text:
                text = text.replace(".", "").replace(",", ".")
            if text and number(text):
                value = float(text)
            elif text is not None and text in NO_VALUE:
                continue
            else:
                try:
                    value = parse_number(cell)
                except ValueError:
                    errors.append(RowError(header, _("“%(value)s” is not a number.") % {"value": _text(cell)}))
                    continue
                if value is None:
                    continue
            if (
                (low is not None and value < low)
                or (high is not None and value > high)
                or (whole and not value.is_integer())
            ):
                problem = indicator.check_value(value)
                if problem:
                    errors.append(RowError(header, f"{problem} ({_shown(value)})"))
                    continue
            values[code] = int(value) if value.is_integer() else round(value, 3)
        if resolved is not None and year is not None:
            unit_year = (resolved[0], year)
            if unit_year in first_line:
                errors.append(
                    RowError(
                        columns.get(DEPARTMENT) or columns.get(AREA) or columns.get(MUNICIPALITY) or columns[YEAR],
                        _("A duplicate: row %(line)s has the same %(what)s and year.")
                        % {"line": first_line[unit_year], "what": _level_noun(level)},
                    )
                )
            else:
                first_line[unit_year] = line
        if errors:
            checked.rejected[line] = errors
            continue
        if line in checked.dropped:
            continue
        if values:
            checked.rows.append(GoodRow(line=line, key=resolved[0], label=resolved[1], year=year, values=values))
    return checked


def _level_noun(level: str) -> str:
    return {
        ImportLevel.DEPARTMENT: _("department"),
        ImportLevel.AREA: _("housing area"),
        ImportLevel.MUNICIPALITY: _("municipality"),
        ImportLevel.NATIONAL: _("scope"),
    }[level]
