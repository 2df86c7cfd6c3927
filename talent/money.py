"""Money input and rounding: the one place that turns user input into ``Money`` and rounds it.

The one input gate for money in every app (lowest app: talent), used by importers, forms,
services and the API. Rules (issue 5, "Input"):

* an amount arrives as a ``str``, a ``Decimal`` or an ``int``; a ``float`` is rejected,
  because ``0.1`` as a float is not one tenth;
* the currency is an ISO 4217 code (``CNY``, ``USD``); a symbol such as ``¥`` is rejected,
  since it names both the yuan and the yen;
* an amount has at most as many decimal places as the currency's minor unit
  (ISO 4217 exponent: 2 for CNY/USD/EUR, 0 for JPY/KRW, 3 for BHD/KWD), is not negative,
  and is finite.

Every error is a :class:`django.core.exceptions.ValidationError` keyed by the field name
so that forms, the admin and the API show it next to the field.

Rounding happens once, at the end of a computation (:func:`round_money`), half-up to the
currency's minor unit; everything before keeps full ``Decimal`` precision.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from djmoney.money import Money
from moneyed import CURRENCIES

#: Largest amount a money column holds (16 digits, 2 of them decimals).
MAX_AMOUNT = Decimal("1e14")

#: Symbols people type instead of a code, with the codes they may mean.
CURRENCY_SYMBOLS: dict[str, str] = {
    "¥": "CNY, JPY", "￥": "CNY, JPY", "元": "CNY", "RMB": "CNY", "$": "USD, HKD, SGD",
    "US$": "USD", "HK$": "HKD", "S$": "SGD", "€": "EUR", "£": "GBP", "円": "JPY",
}

_PLAIN_DECIMAL = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def minor_unit_exponent(currency: str) -> int:
    """Return the ISO 4217 exponent of ``currency``: 2 for CNY, 0 for JPY, 3 for BHD.

    Source: py-moneyed's ISO 4217 table (``Currency.sub_unit`` is 10 ** exponent).

    Raises:
        ValueError: ``currency`` is not an ISO 4217 code known to py-moneyed.
    """
    code = str(currency)
    if code not in CURRENCIES:
        raise ValueError(f"Unknown ISO 4217 currency: {code!r}")
    sub_unit = CURRENCIES[code].sub_unit
    return len(str(sub_unit)) - 1


def round_money(money: Money) -> Money:
    """Round ``money`` half-up to its currency's minor unit (ISO 4217 exponent).

    Call it once, on a final figure; never on an intermediate value.
    ``Money("0.005", "CNY")`` -> ``Money("0.01", "CNY")``; ``Money("0.5", "JPY")`` -> ``Money("1", "JPY")``.
    """
    exponent = minor_unit_exponent(money.currency.code)
    quantum = Decimal(1).scaleb(-exponent)
    return Money(money.amount.quantize(quantum, rounding=ROUND_HALF_UP), money.currency.code)


def parse_currency(currency: object, *, field: str) -> str:
    """Return ``currency`` as an upper-case ISO 4217 code.

    Raises:
        ValidationError: ``{field: [...]}`` when it is a symbol (``¥``), blank or unknown.
    """
    text = str(currency or "").strip()
    if text in CURRENCY_SYMBOLS or text.upper() in CURRENCY_SYMBOLS:
        raise ValidationError({field: [
            _("“%(symbol)s” is not a currency code: give the ISO 4217 code (%(codes)s).")
            % {"symbol": text, "codes": CURRENCY_SYMBOLS.get(text) or CURRENCY_SYMBOLS[text.upper()]}
        ]})
    code = text.upper()
    if not re.fullmatch(r"[A-Z]{3}", code) or code not in CURRENCIES:
        raise ValidationError({field: [
            _("“%(value)s” is not an ISO 4217 currency code such as CNY, USD or EUR.") % {"value": text}
        ]})
    return code


def parse_decimal(value: object, *, field: str, max_decimal_places: int | None = None) -> Decimal:
    """Return ``value`` (``str``, ``Decimal`` or ``int``) as a finite, non-negative ``Decimal``.

    Args:
        max_decimal_places: Reject more decimal places than this (trailing zeros do not count).

    Raises:
        ValidationError: ``{field: [...]}`` for a float, a non-number, NaN/infinity, a
            negative number or too many decimal places.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise ValidationError({field: [
            _("Give the amount as text or a decimal number, not a floating-point number.")
        ]})
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not _PLAIN_DECIMAL.match(text.lstrip("-")):
            raise ValidationError({field: [
                _("“%(value)s” is not a number: write digits with an optional decimal point, "
                  "without thousands separators or currency symbols.") % {"value": value}
            ]})
        try:
            number = Decimal(text)
        except InvalidOperation as exc:  # pragma: no cover - the regex already guards
            raise ValidationError({field: [_("“%(value)s” is not a number.") % {"value": value}]}) from exc
    else:
        raise ValidationError({field: [_("Give the amount as text or a decimal number.")]})
    if not number.is_finite():
        raise ValidationError({field: [_("The amount must be a finite number.")]})
    if number < 0:
        raise ValidationError({field: [_("The amount must not be negative.")]})
    if max_decimal_places is not None:
        places = max(0, -number.normalize().as_tuple().exponent) if number else 0
        if places > max_decimal_places:
            raise ValidationError({field: [
                _("At most %(places)d decimal places are allowed here.") % {"places": max_decimal_places}
            ]})
    return number


def parse_money(amount: object, currency: object, *, field: str, max_decimal_places: int | None = None) -> Money:
    """Parse user input into ``Money``; used by services, forms and (later) the partner API.

    Make money through this function, not ``Money(amount, code)``: py-moneyed turns a
    float silently into ``Decimal(str(amount))`` (``Money(0.1, "CNY")`` has amount
    ``Decimal("0.1")``), so once a ``Money`` exists nobody can tell it came from a float.
    Here a float is refused before any ``Money`` is made.

    Args:
        amount: ``"1234.50"``, ``Decimal("1234.50")`` or ``1234``; never a float.
        currency: An ISO 4217 code, e.g. ``"CNY"`` (case-insensitive; symbols rejected).
        field: The field name the error is reported under.
        max_decimal_places: Defaults to the currency's minor unit (2 for CNY, 0 for JPY).

    Returns:
        ``Money(Decimal, code)`` exactly as given (no rounding).

    Raises:
        ValidationError: ``{field: [message]}``; see :func:`parse_decimal` and :func:`parse_currency`.
    """
    code = parse_currency(currency, field=field)
    places = minor_unit_exponent(code) if max_decimal_places is None else max_decimal_places
    number = parse_decimal(amount, field=field, max_decimal_places=places)
    if number >= MAX_AMOUNT:
        raise ValidationError({field: [_("The amount is too large.")]})
    return Money(number, code)
