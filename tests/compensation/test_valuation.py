"""Valuation worked examples, computed by hand (arithmetic in each docstring)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from djmoney.money import Money
from hypothesis import given, settings
from hypothesis import strategies as st

from compensation import valuation as v
from compensation.models import Offer
from talent.money import round_money


def cny(amount) -> Money:
    return Money(Decimal(str(amount)), "CNY")


def make_offer(**fields) -> Offer:
    """An unsaved offer: valuation is pure and needs no database."""
    fields.setdefault("months_per_year", Decimal("12"))
    return Offer(**fields)


def test_monthly_base_times_16_months():
    """"16 薪" = 12 + 1 + 3 = 16 months of base.

    100,000 CNY/month x 16 = 1,600,000 CNY annual base;
    bonus 20 % of base = 320,000; annual cash = 1,920,000;
    + sign-on 80,000 = year-1 cash 2,000,000 CNY.
    """
    offer = make_offer(monthly_base=cny(100000), months_per_year=Decimal("16"),
                       target_bonus_percent=Decimal("20"), sign_on=cny(80000))

    assert v.annual_base(offer) == cny(1600000)
    assert v.annual_bonus(offer) == cny(320000)
    assert v.annual_cash(offer) == cny(1920000)
    assert v.year1_cash(offer) == cny(2000000)


def test_annual_base_and_bonus_amount():
    """Annual base 1,500,000 + bonus amount 300,000 + relocation 50,000 = 1,850,000 year-1 cash."""
    offer = make_offer(annual_base=cny(1500000), target_bonus=cny(300000), relocation=cny(50000))

    assert v.year1_cash(offer) == cny(1850000)


def test_rsus_vest_evenly_over_four_years_with_one_year_cliff():
    """Grant 4,000,000 CNY, 4 years even, 12-month cliff.

    Per year 4,000,000 / 4 = 1,000,000. Cumulative fraction: month 11 -> 0 (before the
    cliff), month 12 -> 12/48 = 0.25, month 18 -> 18/48 = 0.375, month 60 -> 1.
    """
    offer = make_offer(annual_base=cny(1000000), equity_kind="rsu", rsu_grant_value=cny(4000000),
                       vesting_years=4, cliff_months=12, vesting_schedule=[])

    assert v.equity_vested_by_year(offer) == [cny(1000000)] * 4
    assert v.vested_fraction_at(11, years=4, cliff_months=12) == 0
    assert v.vested_fraction_at(12, years=4, cliff_months=12) == Decimal("0.25")
    assert v.vested_fraction_at(18, years=4, cliff_months=12) == Decimal("0.375")
    assert v.vested_fraction_at(60, years=4, cliff_months=12) == 1


def test_rsus_back_loaded_5_15_40_40_with_one_year_cliff():
    """Amazon-style 5/15/40/40 of 4,000,000 CNY:

    year 1: 5 % = 200,000; year 2: 15 % = 600,000; years 3 and 4: 40 % = 1,600,000 each.
    Month 6 -> 0 (cliff); month 18 -> 5 % + 15 % x 6/12 = 12.5 %.
    Year-1 total with 1,000,000 annual base = 1,000,000 + 200,000 = 1,200,000;
    4-year total = 4 x 1,000,000 + 4,000,000 = 8,000,000.
    """
    offer = make_offer(annual_base=cny(1000000), equity_kind="rsu", rsu_grant_value=cny(4000000),
                       vesting_years=4, cliff_months=12, vesting_schedule=[5, 15, 40, 40])
    value = v.offer_value(offer, risk_factor=Decimal(1))

    assert v.equity_vested_by_year(offer) == [cny(200000), cny(600000), cny(1600000), cny(1600000)]
    assert v.vested_fraction_at(6, years=4, cliff_months=12, schedule=[5, 15, 40, 40]) == 0
    assert v.vested_fraction_at(18, years=4, cliff_months=12, schedule=[5, 15, 40, 40]) == Decimal("0.125")
    assert value.year1_total == cny(1200000)
    assert value.total(4) == cny(8000000)


def test_google_front_loaded_year_one_is_6_6_times_amazon():
    """Same 4,000,000 grant: Google 33 % in year 1 = 1,320,000; Amazon 5 % = 200,000; ratio 6.6."""
    google = make_offer(annual_base=cny(1), equity_kind="rsu", rsu_grant_value=cny(4000000),
                        vesting_schedule=[33, 33, 22, 12], cliff_months=0)
    amazon = make_offer(annual_base=cny(1), equity_kind="rsu", rsu_grant_value=cny(4000000),
                        vesting_schedule=[5, 15, 40, 40])

    assert v.equity_vested_by_year(google)[0] == cny(1320000)
    assert v.equity_vested_by_year(google)[0].amount / v.equity_vested_by_year(amazon)[0].amount == Decimal("6.6")


def test_cliff_longer_than_a_year_moves_year_one_into_year_two():
    """Even 4-year vesting, 18-month cliff: year 1 gets 0, year 2 gets 24/48 = 50 %, then 25 %, 25 %."""
    fractions = v.vested_fractions_by_year(years=4, cliff_months=18)

    assert fractions == [0, Decimal("0.5"), Decimal("0.25"), Decimal("0.25")]


def test_rsu_shares_times_price():
    """1,000 RSUs x 150.00 USD = 150,000 USD."""
    offer = make_offer(annual_base=Money(200000, "USD"), equity_kind="rsu", rsu_shares=1000,
                       share_price=Money(Decimal("150.00"), "USD"))

    assert v.equity_grant_value(offer) == Money(150000, "USD")


def test_options_under_water_are_worth_zero():
    """10,000 options, strike 12.00, fair value 8.00: (8 - 12) x 10,000 = -40,000 -> 0, never negative."""
    offer = make_offer(annual_base=cny(1500000), equity_kind="options", option_shares=10000,
                       option_strike=cny("12.00"), option_fair_value=cny("8.00"))

    assert v.equity_grant_value(offer) == cny(0)
    assert v.offer_value(offer, risk_factor=Decimal("0.4")).total(4) == cny(6000000)


def test_options_in_the_money():
    """40,000 options, strike 2.50, fair value 10.00: 7.50 x 40,000 = 300,000 CNY."""
    assert v.option_value(shares=40000, strike=cny("2.50"), fair_value=cny("10.00")) == cny(300000)


def test_risk_adjusted_total_applies_haircut_to_equity_only():
    """Unicorn: base 1,800,000, options worth 2,000,000 even over 4 years, factor 0.40.

    Risk-adjusted 4-year = 4 x 1,800,000 + 2,000,000 x 0.40 = 7,200,000 + 800,000 = 8,000,000.
    """
    offer = make_offer(annual_base=cny(1800000), equity_kind="options", option_shares=200000,
                       option_strike=cny("5.00"), option_fair_value=cny("15.00"))

    value = v.offer_value(offer, risk_factor=Decimal("0.40"))

    assert value.total(4) == cny(9200000)
    assert value.risk_adjusted_total(4) == cny(8000000)


def test_equity_risk_factor_prefers_stage_then_kind_then_default():
    factors = {"funding_stage": {"public": "0.95"}, "company_kind": {"ai_unicorn": "0.4"}, "default": "0.25"}

    assert v.equity_risk_factor(company_kind="big_tech", funding_stage="public", factors=factors) == Decimal("0.95")
    assert v.equity_risk_factor(company_kind="ai_unicorn", funding_stage="", factors=factors) == Decimal("0.4")
    assert v.equity_risk_factor(company_kind="startup", funding_stage="seed", factors=factors) == Decimal("0.25")


def test_default_risk_factors_keep_listed_rsus_near_face_and_unicorn_options_a_fraction():
    listed = v.equity_risk_factor(company_kind="big_tech", funding_stage="public")
    unicorn = v.equity_risk_factor(company_kind="ai_unicorn", funding_stage="")

    assert Decimal("0.9") <= listed <= 1
    assert unicorn < Decimal("0.5")


@pytest.mark.parametrize("schedule, years", [([5, 15, 40, 30], 4), ([50, 50], 4), ([-5, 35, 35, 35], 4),
                                             (["a", 30, 40, 30], 4), ([33.333, 33.333, 33.334], 3), ("25,25,25,25", 4)])
def test_impossible_vesting_schedules_are_rejected_with_field_error(schedule, years):
    with pytest.raises(ValidationError) as exc:
        v.vesting_schedule_validate(schedule, years=years, field="vesting_schedule")

    assert "vesting_schedule" in exc.value.message_dict


def test_cliff_after_end_of_vesting_is_rejected():
    with pytest.raises(ValidationError) as exc:
        v.vesting_schedule_validate([], years=2, cliff_months=30)

    assert "cliff_months" in exc.value.message_dict


def test_even_vesting_over_three_years_rounds_once_at_the_end():
    """1,000,000.01 over 3 years: 333,333.3366... a year; the 3 years sum back to 1,000,000.01 after one rounding."""
    offer = make_offer(annual_base=cny(1), equity_kind="rsu", rsu_grant_value=cny("1000000.01"),
                       vesting_years=3, cliff_months=0)

    by_year = v.equity_vested_by_year(offer)

    assert round_money(sum(by_year, cny(0))) == cny("1000000.01")
    assert sum((round_money(m) for m in by_year), cny(0)) == cny("1000000.02")  # rounding each year drifts


amounts = st.decimals(min_value=0, max_value=Decimal("10000000"), places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(base=amounts, sign_on=amounts, relocation=amounts, grant=amounts,
       bonus_percent=st.decimals(min_value=0, max_value=100, places=2),
       schedule=st.sampled_from([[], [5, 15, 40, 40], [33, 33, 22, 12], [25, 25, 25, 25]]),
       years=st.integers(min_value=1, max_value=6))
def test_totals_are_additive_across_components(base, sign_on, relocation, grant, bonus_percent, schedule, years):
    """What each component adds on its own to a base-only offer sums to what they add together."""
    common = {"annual_base": cny(base), "target_bonus_percent": bonus_percent, "vesting_years": 4, "cliff_months": 12}
    base_only = make_offer(**common)
    with_sign_on = make_offer(**common, sign_on=cny(sign_on))
    with_relocation = make_offer(**common, relocation=cny(relocation))
    with_equity = make_offer(**common, equity_kind="rsu", rsu_grant_value=cny(grant), vesting_schedule=schedule)
    full = make_offer(**common, sign_on=cny(sign_on), relocation=cny(relocation), equity_kind="rsu",
                      rsu_grant_value=cny(grant), vesting_schedule=schedule)

    def total(offer):
        return v.offer_value(offer, risk_factor=Decimal("0.5"), horizon=years).risk_adjusted_total(years)

    parts = [total(o) - total(base_only) for o in (with_sign_on, with_relocation, with_equity)]
    assert total(full) == total(base_only) + parts[0] + parts[1] + parts[2]
    assert total(full) - total(base_only) >= cny(sign_on) + cny(relocation)


def test_settings_fall_back_to_the_library_defaults(settings):
    """compensation.conf.DEFAULTS serve every COMPENSATION_* name a project does not set."""
    from compensation.conf import DEFAULTS, setting

    for name, default in DEFAULTS.items():
        if hasattr(settings, name):
            delattr(settings, name)
        assert setting(name) == default, name
    settings.COMPENSATION_COMPARISON_YEARS = 5
    assert setting("COMPENSATION_COMPARISON_YEARS") == 5


@pytest.mark.parametrize("schedule", [[0.1, 0.2, 0.3, 99.4], [25.0, 25, 25, 25]])
def test_vesting_schedule_of_floats_is_rejected(schedule):
    with pytest.raises(ValidationError) as exc:
        v.vesting_schedule_validate(schedule, years=4, field="vesting_schedule")

    assert "vesting_schedule" in exc.value.message_dict


def test_vesting_schedule_parse_stores_ints_and_strings_never_floats():
    parsed = v.vesting_schedule_parse([5, "15", Decimal("33.50"), "46.5"], field="vesting_schedule")

    assert parsed == [5, 15, "33.50", "46.5"]
    assert not any(isinstance(p, float) for p in parsed)
