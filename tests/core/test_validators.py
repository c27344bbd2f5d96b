import pytest
from django.core.exceptions import ValidationError

from boligsocial.core.validators import find_cpr_numbers, validate_no_cpr


@pytest.mark.parametrize("text", ["Født 010190-1234 i blok 22", "cpr 3112851234.", "Beboer 290200 1234 klagede"])
def test_cpr_shaped_numbers_with_a_real_date_are_found(text):
    assert find_cpr_numbers(text)


@pytest.mark.parametrize(
    "text", ["Sagsnr. 4100-80231-00012-26", "Tlf. 20 99 55 35", "Kl. 14.00 den 1.4.2026", "321390-1234", "2025-2029"]
)
def test_other_numbers_are_not_taken_for_cpr(text):
    assert find_cpr_numbers(text) == []


def test_refusal_names_the_problem_in_danish_without_repeating_the_number():
    with pytest.raises(ValidationError) as exc:
        validate_no_cpr("Personen med cpr 010190-1234 blev anholdt")
    message = exc.value.messages[0]
    assert "CPR-nummer" in message and "010190-****" in message and "1234" not in message
