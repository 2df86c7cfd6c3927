"""What one offer is worth: pure functions on ``Money`` (Decimal amount + ISO 4217 currency).

No database, no I/O: every function takes an :class:`~compensation.models.Offer` (saved
or not) or any object with the same attributes, plus plain values. Exchange rates come in
as an :class:`~crm.fx.FxQuote` built by :mod:`crm.fx`.

Definitions (one home for each rule):

* **annual base** = monthly base x months per year ("16 薪" = 12 + 1 + 3 = 16 months), or
  the annual base as given;
* **annual bonus** = the target bonus amount, or ``target_bonus_percent`` % of annual base;
* **annual cash** = annual base + annual bonus (recurring every year; no raises assumed);
* **year-1 cash** = annual cash + sign-on + relocation (both one-off, paid in year 1);
* **equity grant** = RSU grant value, or RSU shares x share price; for options
  (fair value per share - strike) x shares, never below zero (an option under water is
  worth nothing, not a debt);
* **vesting**: the schedule gives a percentage per year (even when empty; e.g. Amazon
  5/15/40/40, Google 33/33/22/12, Meta 25 x 4); inside a year the year's percentage
  accrues month by month; nothing vests before the cliff, and what accrued before it
  vests at the cliff;
* **year-1 total** = year-1 cash + equity vested in year 1;
* **N-year total** = N x annual cash + sign-on + relocation + equity vested in years 1..N
  (no refresher grants, no raises, no share-price growth);
* **risk-adjusted** totals multiply the equity by the company's risk factor
  (:func:`equity_risk_factor`, defaults in ``settings.COMPENSATION_EQUITY_RISK_FACTORS``).

Precision: arithmetic runs in a 50-digit ``Decimal`` context and is never rounded in
between; a figure is rounded once, half-up to its currency's minor unit, when it is shown
(:func:`talent.money.round_money`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from djmoney.money import Money

from crm.fx import PRECISION, exact  # noqa: F401  (one Decimal context for money; PRECISION re-exported)

if TYPE_CHECKING:
    from crm.fx import FxQuote

HUNDRED = Decimal(100)
MONTHS = 12


def _zero(currency: str) -> Money:
    return Money(Decimal(0), currency)


def _or_zero(value: Money | None, currency: str) -> Money:
    return _zero(currency) if value is None else value


def offer_currency(offer: Any) -> str:
    """Return the single ISO 4217 currency of ``offer``.

    Raises:
        ValueError: The offer has no base pay, so no currency.
    """
    currency = offer.currency
    if currency is None:
        raise ValueError("An offer without base pay has no currency to value it in.")
    return currency


# --- Vesting --------------------------------------------------------------------------

#: A percentage typed as text: digits with an optional decimal point (a sign, to say it is negative).
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _percent(value: Any, *, field: str) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError({field: [_("Each vesting percentage must be a number.")]})
    if isinstance(value, float):
        # 0.1 as a float is not one tenth; schedules are stored as ints and strings (vesting_schedule_parse).
        raise ValidationError({field: [
            _("Give each vesting percentage as text or a whole number, not a floating-point number.")]})
    text = str(value).strip()
    if isinstance(value, str) and not _PLAIN_NUMBER.fullmatch(text):  # as parse_decimal: no "1e1", no "1,5"
        raise ValidationError({field: [_("“%(value)s” is not a percentage.") % {"value": value}]})
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError({field: [_("“%(value)s” is not a percentage.") % {"value": value}]}) from exc
    if not number.is_finite() or number < 0 or number > HUNDRED:
        raise ValidationError({field: [_("Each vesting percentage must be between 0 and 100.")]})
    if number != number.quantize(Decimal("0.01"), rounding="ROUND_DOWN"):
        raise ValidationError({field: [_("Vesting percentages have at most two decimal places.")]})
    return number


def vesting_schedule_parse(schedule: Sequence[Any] | None, *, field: str = "vesting_schedule") -> list[int | str]:
    """Return a vesting schedule as it is stored: whole percentages as ``int``, others as strings.

    ``[5, "15", Decimal("33.50"), "46.5"]`` -> ``[5, 15, "33.50", "46.5"]``; ``None`` -> ``[]``.
    JSON keeps them exact (a float would not be), and :func:`vesting_schedule_validate`
    reads them back. Length and sum are checked there, against the vesting years.

    Raises:
        ValidationError: ``{field: [...]}``: not a list, or an entry that is a float, a
            bool, not a number, outside 0 to 100 or with more than two decimals.
    """
    if not schedule:
        return []
    if isinstance(schedule, str | bytes) or not isinstance(schedule, Sequence):
        raise ValidationError({field: [_("Give the vesting schedule as a list of percentages, one per year.")]})
    parsed: list[int | str] = []
    for value in schedule:
        number = _percent(value, field=field)
        parsed.append(int(number) if number == number.to_integral_value() else str(number))
    return parsed


def vesting_schedule_validate(
    schedule: Sequence[Any] | None, *, years: int, cliff_months: int = 0, field: str = "vesting_schedule"
) -> list[Decimal]:
    """Check a vesting schedule and return its percentages per year.

    Args:
        schedule: Percentages per year as ints, strings or Decimals (``[5, 15, 40, 40]``,
            ``["33.5", ...]``), never floats; empty or ``None`` for even vesting.
        years: Vesting years (1 to 10).
        cliff_months: Months before anything vests (0 to ``years`` x 12).

    Returns:
        ``years`` Decimal percentages summing to exactly 100 (even: 100/years each,
        unrounded).

    Raises:
        ValidationError: ``{field: [...]}``: wrong length, a negative or non-numeric
            entry, a sum other than 100, or a cliff past the end of vesting
            (``{"cliff_months": [...]}``).
    """
    if not isinstance(years, int) or years < 1:
        raise ValidationError({"vesting_years": [_("Vesting lasts at least one year.")]})
    if cliff_months is None or cliff_months < 0 or cliff_months > years * MONTHS:
        raise ValidationError({"cliff_months": [_("The cliff must fall within the vesting period.")]})
    if not schedule:
        with exact():
            return [HUNDRED / years] * years
    if isinstance(schedule, str | bytes) or not isinstance(schedule, Sequence):
        raise ValidationError({field: [_("Give the vesting schedule as a list of percentages, one per year.")]})
    if len(schedule) != years:
        raise ValidationError({field: [
            _("The schedule has %(count)d percentages but vesting lasts %(years)d years.")
            % {"count": len(schedule), "years": years}
        ]})
    percents = [_percent(value, field=field) for value in schedule]
    total = sum(percents, Decimal(0))
    if total != HUNDRED:
        raise ValidationError({field: [
            _("The vesting percentages add up to %(total)s%%; they must add up to 100%%.") % {"total": total}
        ]})
    return percents


def vested_fraction_at(month: int, *, years: int, cliff_months: int = 0, schedule: Sequence[Any] | None = None) -> Decimal:
    """Return the fraction (0 to 1) of a grant vested after ``month`` months of service.

    The year's percentage accrues evenly month by month inside the year; before the
    cliff nothing is vested, and at the cliff everything accrued so far vests at once.

    Example: even 4-year vesting with a 12-month cliff: month 11 -> 0, month 12 -> 0.25,
    month 18 -> 0.375, month 48 and later -> 1.
    """
    percents = vesting_schedule_validate(schedule, years=years, cliff_months=cliff_months)
    if month < cliff_months or month <= 0:
        return Decimal(0)
    with exact():
        served = min(month, years * MONTHS)
        full_years, extra_months = divmod(served, MONTHS)
        accrued = sum(percents[:full_years], Decimal(0))
        if extra_months and full_years < years:
            accrued += percents[full_years] * extra_months / MONTHS
        return accrued / HUNDRED


def vested_fractions_by_year(*, years: int, cliff_months: int = 0, schedule: Sequence[Any] | None = None,
                             horizon: int | None = None) -> list[Decimal]:
    """Return the fraction of the grant vesting in each year 1..``horizon`` (default: ``years``).

    Year ``y`` gets ``vested_fraction_at(12y) - vested_fraction_at(12(y-1))``; years after
    the end of vesting get 0. With an 18-month cliff and even 4-year vesting:
    ``[0, 0.5, 0.25, 0.25]``.
    """
    horizon = years if horizon is None else horizon
    with exact():
        cumulative = [vested_fraction_at(MONTHS * y, years=years, cliff_months=cliff_months, schedule=schedule)
                      for y in range(0, horizon + 1)]
        return [cumulative[y] - cumulative[y - 1] for y in range(1, horizon + 1)]


# --- Components -----------------------------------------------------------------------

def annual_base(offer: Any) -> Money:
    """Return the gross base pay per year: monthly base x months per year, or the annual base.

    ``Money("100000", "CNY")`` x 16 months ("16 薪") -> ``Money("1600000", "CNY")``.
    """
    currency = offer_currency(offer)
    with exact():
        if offer.monthly_base is not None:
            return offer.monthly_base * Decimal(offer.months_per_year)
        return _or_zero(offer.annual_base, currency)


def annual_bonus(offer: Any) -> Money:
    """Return the annual target bonus: the amount, or ``target_bonus_percent`` % of annual base."""
    currency = offer_currency(offer)
    if offer.target_bonus is not None:
        return offer.target_bonus
    if offer.target_bonus_percent is not None:
        with exact():
            return annual_base(offer) * Decimal(offer.target_bonus_percent) / HUNDRED
    return _zero(currency)


def annual_cash(offer: Any) -> Money:
    """Return the recurring cash per year: annual base + annual bonus."""
    with exact():
        return annual_base(offer) + annual_bonus(offer)


def one_off_cash(offer: Any) -> Money:
    """Return the one-off cash paid in year 1: sign-on + relocation."""
    currency = offer_currency(offer)
    with exact():
        return _or_zero(offer.sign_on, currency) + _or_zero(offer.relocation, currency)


def year1_cash(offer: Any) -> Money:
    """Return the cash of year 1: annual base + bonus + sign-on + relocation."""
    with exact():
        return annual_cash(offer) + one_off_cash(offer)


def option_value(*, shares: int, strike: Money, fair_value: Money) -> Money:
    """Return the value of ``shares`` options: (fair value - strike) x shares, never below zero.

    Args:
        shares: Number of options (a non-negative int).
        strike, fair_value: Per share, in the same currency (mixed currencies raise ``TypeError``).

    Example: 10,000 options, strike 12.00, fair value 8.00 -> 0.00 (under water).
    """
    with exact():
        spread = fair_value - strike
        if spread.amount <= 0:
            return _zero(fair_value.currency.code)
        return spread * Decimal(shares)


def equity_grant_value(offer: Any) -> Money:
    """Return the value of the whole equity grant (before vesting and before risk).

    RSUs: the grant value, or shares x share price. Options: :func:`option_value`.
    No equity: zero.
    """
    currency = offer_currency(offer)
    kind = getattr(offer, "equity_kind", "none")
    with exact():
        if kind == "rsu":
            if offer.rsu_grant_value is not None:
                return offer.rsu_grant_value
            if offer.rsu_shares is not None and offer.share_price is not None:
                return offer.share_price * Decimal(offer.rsu_shares)
        if kind == "options" and None not in (offer.option_shares, offer.option_strike, offer.option_fair_value):
            return option_value(shares=offer.option_shares, strike=offer.option_strike, fair_value=offer.option_fair_value)
    return _zero(currency)


def equity_vested_by_year(offer: Any, *, horizon: int | None = None) -> list[Money]:
    """Return the equity value vesting in each year 1..``horizon`` (default: the vesting years).

    Example: a 4,000,000 CNY RSU grant on 5/15/40/40 with a 12-month cliff ->
    200,000 / 600,000 / 1,600,000 / 1,600,000 CNY.
    """
    grant = equity_grant_value(offer)
    years = offer.vesting_years or 1
    fractions = vested_fractions_by_year(years=years, cliff_months=offer.cliff_months or 0,
                                         schedule=offer.vesting_schedule, horizon=horizon)
    with exact():
        return [grant * fraction for fraction in fractions]


def equity_risk_factor(*, company_kind: str | None, funding_stage: str | None,
                       factors: dict[str, Any] | None = None) -> Decimal:
    """Return the share of face value the equity of such a company is counted at (0 to 1).

    Looks up the funding stage first (``public`` = listed), then the company kind, then
    the default, in ``factors`` (default ``settings.COMPENSATION_EQUITY_RISK_FACTORS``;
    the values and their reasoning are documented there).

    Raises:
        ValueError: A configured factor is outside 0..1.
    """
    if factors is None:
        from .conf import setting

        factors = setting("COMPENSATION_EQUITY_RISK_FACTORS")
    by_stage = factors.get("funding_stage", {})
    by_kind = factors.get("company_kind", {})
    if funding_stage and funding_stage in by_stage:
        raw = by_stage[funding_stage]
    elif company_kind and company_kind in by_kind:
        raw = by_kind[company_kind]
    else:
        raw = factors["default"]
    value = Decimal(str(raw))
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"Equity risk factor {value} is outside 0..1")
    return value


def convert(money: Money, quote: FxQuote | None) -> Money:
    """Convert ``money`` with ``quote`` (``quote.rate`` units of target per unit of source), unrounded.

    ``None`` means no conversion (same currency).

    Raises:
        ValueError: The quote is for another source currency.
    """
    if quote is None:
        return money
    if money.currency.code != quote.from_currency:
        raise ValueError(f"Quote is for {quote.from_currency}, the amount is in {money.currency.code}")
    with exact():
        return Money(money.amount * quote.rate, quote.to_currency)


# --- The whole offer ------------------------------------------------------------------

@dataclass(frozen=True)
class OfferValue:
    """An offer's figures in one currency, unrounded (round with ``round_money`` when shown).

    Attributes:
        currency: ISO 4217 code of every amount below.
        annual_base, annual_bonus: Per year.
        sign_on, relocation: One-off, year 1.
        equity_grant: Whole grant at face value (options: intrinsic value).
        equity_by_year: Face value vesting in years 1..horizon.
        risk_factor: Share of face value counted in risk-adjusted totals (0..1).
        fx: The exchange rate used, with its date and source; ``None`` if not converted.
    """

    currency: str
    annual_base: Money
    annual_bonus: Money
    sign_on: Money
    relocation: Money
    equity_grant: Money
    equity_by_year: tuple[Money, ...]
    risk_factor: Decimal
    fx: FxQuote | None = field(default=None)

    @property
    def annual_cash(self) -> Money:
        with exact():
            return self.annual_base + self.annual_bonus

    @property
    def year1_cash(self) -> Money:
        with exact():
            return self.annual_cash + self.sign_on + self.relocation

    @property
    def year1_equity(self) -> Money:
        return self.equity_by_year[0] if self.equity_by_year else _zero(self.currency)

    @property
    def year1_total(self) -> Money:
        with exact():
            return self.year1_cash + self.year1_equity

    def equity_over(self, years: int) -> Money:
        """Equity at face value vesting in years 1..``years``."""
        with exact():
            return sum(self.equity_by_year[:years], _zero(self.currency))

    def total(self, years: int) -> Money:
        """``years`` x annual cash + one-offs + equity vesting in those years (face value)."""
        with exact():
            return self.annual_cash * years + self.sign_on + self.relocation + self.equity_over(years)

    def risk_adjusted_total(self, years: int) -> Money:
        """Like :meth:`total`, with the equity multiplied by ``risk_factor``."""
        with exact():
            return (self.annual_cash * years + self.sign_on + self.relocation
                    + self.equity_over(years) * self.risk_factor)


def offer_value(offer: Any, *, risk_factor: Decimal, horizon: int = 4, quote: FxQuote | None = None) -> OfferValue:
    """Value ``offer`` component by component, converted with ``quote`` when given.

    Args:
        offer: An ``Offer`` (or any object with its attributes), valid per ``Offer.clean()``.
        risk_factor: From :func:`equity_risk_factor` for the offer's company.
        horizon: Years of vesting to report (at least the years any total will use).
        quote: From the offer's currency to the target currency; ``None`` keeps the offer's.

    Returns:
        An :class:`OfferValue`, unrounded. Conversion is linear, so converting each
        component then adding equals adding then converting.
    """
    currency = offer_currency(offer)
    horizon = max(horizon, 1)
    components = {
        "annual_base": annual_base(offer),
        "annual_bonus": annual_bonus(offer),
        "sign_on": _or_zero(offer.sign_on, currency),
        "relocation": _or_zero(offer.relocation, currency),
        "equity_grant": equity_grant_value(offer),
    }
    by_year = equity_vested_by_year(offer, horizon=horizon)
    converted = {name: convert(value, quote) for name, value in components.items()}
    return OfferValue(
        currency=quote.to_currency if quote else currency,
        equity_by_year=tuple(convert(value, quote) for value in by_year),
        risk_factor=risk_factor,
        fx=quote,
        **converted,
    )
