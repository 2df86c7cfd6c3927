"""Exchange rates: the ECB loader, quotes on business days and weekends, the default date."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from djmoney.money import Money
from hypothesis import given, settings
from hypothesis import strategies as st

from compensation import valuation as v
from compensation.models import Offer
from crm.fx import FxQuote, MissingFxRate, cross_rate, ecb_history_load, ecb_history_parse, fx_default_on, fx_quote
from crm.models import FxRate
from talent.errors import DomainError
from talent.money import round_money

pytestmark = pytest.mark.django_db


def test_parse_skips_na_cells_and_trailing_comma():
    lines = ["Date,USD,CNY,\n", "2005-03-31,1.2964,N/A,\n", "2005-04-01,1.2959,10.7255,\n"]

    rows = list(ecb_history_parse(lines))

    assert [(r.rate_on, r.currency, r.rate_per_eur) for r in rows] == [
        (date(2005, 3, 31), "USD", Decimal("1.2964")),
        (date(2005, 4, 1), "USD", Decimal("1.2959")),
        (date(2005, 4, 1), "CNY", Decimal("10.7255")),
    ]


def test_parse_rejects_a_file_that_is_not_ecb_format():
    with pytest.raises(ValueError):
        list(ecb_history_parse(["when,USD\n", "x,1\n"]))


def test_load_is_idempotent(ecb_excerpt):
    first = ecb_history_load(ecb_excerpt)
    count = FxRate.objects.count()
    second = ecb_history_load(ecb_excerpt)

    assert first.rows_created == count > 0
    assert second.rows_created == 0
    assert FxRate.objects.count() == count
    assert first.latest_on == date(2026, 10, 30)
    assert not FxRate.objects.filter(currency="CNY", rate_on=date(2005, 3, 31)).exists()  # "N/A", not 0


def test_default_date_is_the_latest_fixing_when_today_has_none(ecb_rates):
    """The excerpt's latest fixing is 2026-10-30; any later "today" converts at that fixing."""
    assert fx_default_on() == min(date(2026, 10, 30), timezone.localdate())


def test_default_date_is_today_with_no_rates_loaded():
    assert fx_default_on() == timezone.localdate()


def test_usd_offer_converted_to_cny_on_an_ecb_business_day(ecb_rates):
    """Friday 2026-10-30: 1 EUR = 1.1172 USD, 1 EUR = 7.4326 CNY.

    300,000 USD x 7.4326 / 1.1172 = 2,229,780 / 1.1172 = 1,995,864.6617 -> 1,995,864.66 CNY,
    which a 2,000,000 CNY offer beats by 4,135.34 CNY.
    """
    quote = fx_quote("USD", "CNY", date(2026, 10, 30))
    usd_offer = Offer(annual_base=Money(300000, "USD"))
    cny_offer = Offer(monthly_base=Money(125000, "CNY"), months_per_year=Decimal("16"))

    usd_in_cny = v.offer_value(usd_offer, risk_factor=Decimal(1), quote=quote).year1_cash
    cny_value = v.offer_value(cny_offer, risk_factor=Decimal(1)).year1_cash

    assert quote.fixed_on == date(2026, 10, 30)
    assert (quote.from_per_eur, quote.to_per_eur, quote.source) == (Decimal("1.1172"), Decimal("7.4326"), "ECB")
    assert round_money(usd_in_cny) == Money(Decimal("1995864.66"), "CNY")
    assert round_money(cny_value - usd_in_cny) == Money(Decimal("4135.34"), "CNY")


def test_weekend_date_uses_fridays_fixing(ecb_rates):
    """Saturday 2026-10-24 and Sunday 2026-10-25 have no fixing: use Friday 2026-10-23.

    Friday: 1 EUR = 1.1193 USD = 7.466 CNY. 300,000 USD x 7.466 / 1.1193 = 2,239,800 / 1.1193
    = 2,001,072.0986 -> 2,001,072.10 CNY (Monday's 7.4603 / 1.1188 would give 2,000,437.97).
    """
    saturday = fx_quote("USD", "CNY", date(2026, 10, 24))
    sunday = fx_quote("USD", "CNY", date(2026, 10, 25))
    converted = v.convert(Money(300000, "USD"), saturday)

    assert saturday.fixed_on == sunday.fixed_on == date(2026, 10, 23)
    assert saturday.requested_on == date(2026, 10, 24)
    assert round_money(converted) == Money(Decimal("2001072.10"), "CNY")
    assert "2026-10-23" in saturday.explanation()


def test_missing_rate_is_a_domain_error_naming_currency_and_date(ecb_rates):
    """CNY was first fixed on 2005-04-01; 2005-03-31 has "N/A" and must not become 0 or 1."""
    with pytest.raises(MissingFxRate) as exc:
        fx_quote("USD", "CNY", date(2005, 3, 31))

    assert isinstance(exc.value, DomainError)
    assert exc.value.currency == "CNY"
    assert "CNY" in exc.value.message and "2005-03-31" in exc.value.message
    first_cny = fx_quote("USD", "CNY", date(2005, 4, 1))
    assert (first_cny.fixed_on, first_cny.from_per_eur, first_cny.to_per_eur) == (
        date(2005, 4, 1), Decimal("1.2959"), Decimal("10.7255"))
    assert abs(first_cny.rate - Decimal("10.7255") / Decimal("1.2959")) < Decimal("1e-25")


def test_missing_rate_when_no_fixing_within_staleness_window(ecb_rates):
    with pytest.raises(MissingFxRate):
        fx_quote("USD", "CNY", date(2026, 12, 31))


def test_euro_leg_and_same_currency(ecb_rates):
    assert fx_quote("CNY", "CNY", date(2026, 10, 30)) is None
    assert fx_quote("EUR", "CNY", date(2026, 10, 30)).rate == Decimal("7.4326")


def test_mixed_currencies_are_never_added_without_conversion():
    with pytest.raises(TypeError):
        Money(1, "USD") + Money(1, "CNY")


def test_load_fx_rates_command_loads_the_shipped_file_quickly_and_idempotently():
    """The whole shipped 1.9 MB file: ~220,000 fixings, a second run creates none."""
    call_command("load_fx_rates")
    count = FxRate.objects.count()
    call_command("load_fx_rates")

    assert count > 200000
    assert FxRate.objects.count() == count
    assert FxRate.objects.filter(currency="CNY").order_by("rate_on").first().rate_on == date(2005, 4, 1)


rates = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("30000"), places=4)


@settings(max_examples=200, deadline=None)
@given(amount=st.decimals(min_value=0, max_value=Decimal("100000000"), places=2), from_leg=rates, to_leg=rates,
       pair=st.sampled_from([("USD", "CNY"), ("CNY", "JPY"), ("JPY", "USD"), ("EUR", "GBP")]))
def test_converting_there_and_back_is_within_one_minor_unit(amount, from_leg, to_leg, pair):
    """A -> B -> A with the same fixing, rounded once at the end, returns A within one minor unit."""
    source, target = pair
    if source == "JPY":
        amount = amount.quantize(Decimal(1))
    day = date(2026, 10, 30)
    there = FxQuote(source, target, cross_rate(from_leg, to_leg), day, day, "ECB", from_leg, to_leg)
    back = FxQuote(target, source, cross_rate(to_leg, from_leg), day, day, "ECB", to_leg, from_leg)

    result = round_money(v.convert(v.convert(Money(amount, source), there), back))

    minor = Decimal(1) if source == "JPY" else Decimal("0.01")
    assert abs(result.amount - amount) <= minor
