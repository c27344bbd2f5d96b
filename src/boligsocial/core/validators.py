"""Validators for personal data in free text."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# DDMMYY-XXXX, DDMMYYXXXX or DDMMYY XXXX, not inside a longer number. Modulus 11 is not checked: CPR numbers
# issued since 2007 do not all satisfy it, and a false "no" is worse here than a false "yes".
CPR_PATTERN = re.compile(r"(?<![\d-])(\d{2})(\d{2})(\d{2})[- ]?(\d{4})(?![\d-])")


def find_cpr_numbers(text: str) -> list[str]:
    """Substrings of `text` that are shaped like a CPR number with a real date."""
    found = []
    for match in CPR_PATTERN.finditer(text or ""):
        day, month, year = (int(g) for g in match.groups()[:3])
        try:
            datetime.date(2000 + year, month, day)
        except ValueError:
            # Day and month must exist; 29 February is checked against a leap year, so it stays a match.
            if not (day == 29 and month == 2):
                continue
        found.append(match.group(0))
    return found


def validate_no_cpr(text: str) -> None:
    """Refuse free text with a CPR number: the plans never need a resident's personal ID."""
    found = find_cpr_numbers(text)
    if found:
        raise ValidationError(
            _(
                "The text seems to contain a CPR number (%(value)s). Do not write CPR numbers here: "
                "use a police case number or leave the person out."
            ),
            code="cpr",
            params={"value": found[0][:6] + "-****"},
        )


def cpr_errors(**texts: str) -> dict[str, list[str]]:
    """The CPR refusal for each named text that contains a CPR number, keyed by the field's name."""
    errors = {}
    for field, text in texts.items():
        try:
            validate_no_cpr(text)
        except ValidationError as exc:
            errors[field] = exc.messages
    return errors
