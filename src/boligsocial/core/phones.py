"""Phone numbers: parsed, validated and normalised with the phonenumbers library (Danish by default)."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from phonenumbers import shortnumberinfo


def _parse(raw: str) -> phonenumbers.PhoneNumber:
    try:
        return phonenumbers.parse(raw, settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="invalid_phone", params={"value": raw}
        ) from exc


def normalize_phone(raw: str, *, allow_short: bool = False) -> str:
    """Return the number in E.164 form (+4572994076), or a short number (114) where allowed."""
    raw = (raw or "").strip()
    number = _parse(raw)
    if allow_short and shortnumberinfo.is_valid_short_number_for_region(number, settings.PHONE_DEFAULT_REGION):
        return str(number.national_number)
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number. Write 8 digits, or +country code and number."),
            code="invalid_phone",
            params={"value": raw},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    """Format a stored number for people: Danish numbers in groups of two, others internationally."""
    if not value or not value.startswith("+"):
        return value
    number = phonenumbers.parse(value, None)
    if number.country_code == 45:
        digits = str(number.national_number)
        return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
