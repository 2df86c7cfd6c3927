"""Input parsing and rounding (talent.money)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from djmoney.money import Money

from talent.money import minor_unit_exponent, parse_money, round_money


def test_parse_money_accepts_string_and_decimal():
    assert parse_money("2000000.50", "CNY", field="annual_base") == Money(Decimal("2000000.50"), "CNY")
    assert parse_money(Decimal("300000"), "usd", field="annual_base") == Money(Decimal("300000"), "USD")


@pytest.mark.parametrize("amount", [2000000.5, "2,000,000", "¥2000000", "abc", "NaN", "1e5"])
def test_parse_money_rejects_floats_and_non_numbers_with_field_error(amount):
    with pytest.raises(ValidationError) as exc:
        parse_money(amount, "CNY", field="monthly_base")

    assert "monthly_base" in exc.value.message_dict


def test_parse_money_rejects_negative_amount():
    with pytest.raises(ValidationError) as exc:
        parse_money("-1", "CNY", field="sign_on")

    assert "negative" in exc.value.message_dict["sign_on"][0]


def test_parse_money_rejects_too_many_decimal_places_for_the_currency():
    """CNY has 2 decimal places (ISO 4217 exponent 2), JPY none (exponent 0)."""
    with pytest.raises(ValidationError) as cny:
        parse_money("100.001", "CNY", field="sign_on")
    with pytest.raises(ValidationError) as jpy:
        parse_money("100.5", "JPY", field="sign_on")

    assert "sign_on" in cny.value.message_dict
    assert "sign_on" in jpy.value.message_dict
    assert parse_money("100.00", "JPY", field="sign_on") == Money(100, "JPY")  # trailing zeros are fine


@pytest.mark.parametrize("symbol", ["¥", "￥", "$", "€", "RMB", "", "YUAN", "XYZ"])
def test_parse_money_requires_iso_code_not_symbol(symbol):
    with pytest.raises(ValidationError) as exc:
        parse_money("100", symbol, field="currency")

    assert "currency" in exc.value.message_dict


def test_yen_sign_error_names_both_possible_currencies():
    with pytest.raises(ValidationError) as exc:
        parse_money("100", "¥", field="currency")

    assert "CNY" in exc.value.message_dict["currency"][0]
    assert "JPY" in exc.value.message_dict["currency"][0]


def test_minor_unit_exponent_follows_iso_4217():
    assert [minor_unit_exponent(c) for c in ("CNY", "USD", "JPY", "KRW", "BHD")] == [2, 2, 0, 0, 3]


def test_round_money_is_half_up_to_minor_unit():
    """Half-up: 0.005 -> 0.01 (banker's rounding would give 0.00); JPY 2.5 -> 3."""
    assert round_money(Money(Decimal("0.005"), "CNY")).amount == Decimal("0.01")
    assert round_money(Money(Decimal("0.0049999"), "CNY")).amount == Decimal("0.00")
    assert round_money(Money(Decimal("2.5"), "JPY")).amount == Decimal("3")
    assert round_money(Money(Decimal("1.0005"), "BHD")).amount == Decimal("1.001")
