"""Comparison and premium to win: worked examples computed by hand (arithmetic in docstrings)."""

from datetime import date
from decimal import Decimal

import pytest
from djmoney.money import Money

from compensation.comparison import Basis, offer_comparison, premium_to_win
from compensation.models import Offer
from crm.models import Company
from tests.crm.factories import CompanyFactory
from tests.talent.factories import CandidateFactory

from .factories import OfferFactory

pytestmark = pytest.mark.django_db
FRIDAY = date(2026, 10, 30)


def cny(amount) -> Money:
    return Money(Decimal(str(amount)), "CNY")


@pytest.fixture
def candidate():
    return CandidateFactory(fictional=True)


@pytest.fixture
def big_tech_offer(candidate):
    """Listed big tech (risk factor 0.95): 125,000 x 16 = 2,000,000 CNY cash; RSUs 2,000,000 on 5/15/40/40."""
    return OfferFactory(candidate=candidate, big_tech=True)


@pytest.fixture
def unicorn_draft(candidate):
    """AI unicorn client, no stage given (factor 0.40): 100,000 x 16 = 1,600,000 CNY + sign-on 100,000;
    200,000 options, strike 5, fair value 15 -> 2,000,000 CNY, even over 4 years, 12-month cliff."""
    unicorn = CompanyFactory(kind=Company.Kind.AI_UNICORN, is_client=True, funding_stage="")
    return OfferFactory(candidate=candidate, company=unicorn, sign_on=cny(100000), equity_kind=Offer.EquityKind.OPTIONS,
                        option_shares=200000, option_strike=cny(5), option_fair_value=cny(15))


def test_premium_to_win_over_2m_big_tech_offer_by_15_percent_on_year1_cash(big_tech_offer, unicorn_draft):
    """Competitor year-1 cash 2,000,000; x 1.15 = target 2,300,000.
    Draft year-1 cash 1,600,000 + 100,000 sign-on = 1,700,000; premium 2,300,000 - 1,700,000 = 600,000 CNY.
    Split year-1 cash 50/50: base +300,000 a year = 300,000 / 16 = +18,750 a month; sign-on +300,000.
    Check: (100,000 + 18,750) x 16 + 100,000 + 300,000 = 1,900,000 + 400,000 = 2,300,000.
    """
    result = premium_to_win(competitor=big_tech_offer, draft=unicorn_draft, basis=Basis.YEAR1_CASH, currency="CNY",
                            margin_percent=Decimal("15"), on=FRIDAY)

    assert result.competitor_value == cny(2000000)
    assert result.draft_value == cny(1700000)
    assert result.target == cny(2300000)
    assert result.premium == cny(600000)
    parts = {p.component: p for p in result.split}
    assert set(parts) == {"base", "sign_on"}
    assert parts["base"].increase == cny(300000)
    assert parts["base"].monthly_increase == cny(18750)
    assert parts["sign_on"].increase == cny(300000)
    assert "600,000.00 CNY" in result.explanation
    assert "2,300,000.00 CNY" in result.explanation


def test_premium_on_year1_total_puts_a_share_in_options(big_tech_offer, unicorn_draft):
    """Competitor year-1 total = 2,000,000 + 5 % x 2,000,000 = 2,100,000; draft = 1,700,000 + 25 % x 2,000,000 = 2,200,000.
    Margin 10 %: target 2,310,000; premium 110,000. Split 40/30/30: base 44,000 (= 2,750 x 16 a month);
    sign-on 33,000; equity 33,000 / 0.25 vesting in year 1 = 132,000 of grant = 132,000 / (15 - 5) = 13,200 options.
    Check: 1,600,000 + 44,000 + 100,000 + 33,000 + (2,000,000 + 132,000) x 0.25 = 2,310,000.
    """
    result = premium_to_win(competitor=big_tech_offer, draft=unicorn_draft, basis=Basis.YEAR1_TOTAL, currency="CNY",
                            margin_percent=Decimal("10"), on=FRIDAY)

    parts = {p.component: p for p in result.split}
    assert (result.competitor_value, result.draft_value, result.premium) == (cny(2100000), cny(2200000), cny(110000))
    assert parts["base"].monthly_increase == cny(2750)
    assert parts["sign_on"].increase == cny(33000)
    assert parts["equity"].increase == cny(132000)
    assert parts["equity"].extra_units == 13200


def test_premium_on_risk_adjusted_total_with_amount_margin(big_tech_offer, unicorn_draft):
    """Competitor: 4 x 2,000,000 (no sign-on) + 2,000,000 RSUs x 0.95 = 8,000,000 + 1,900,000 = 9,900,000.
    Draft: 4 x 1,600,000 + 100,000 sign-on + 2,000,000 x 0.40 = 6,400,000 + 100,000 + 800,000 = 7,300,000.
    Margin 100,000 CNY: target 10,000,000; premium 2,700,000. Split 40/20/40: base 1,080,000 over 4 years
    = 270,000 a year = 16,875 a month; sign-on 540,000; equity 1,080,000 / (1.0 vested x 0.40) = 2,700,000
    = 270,000 options. Check: 4 x 1,870,000 + 640,000 + 4,700,000 x 0.40 = 7,480,000 + 640,000 + 1,880,000 = 10,000,000.
    """
    result = premium_to_win(competitor=big_tech_offer, draft=unicorn_draft, basis=Basis.RISK_ADJUSTED_TOTAL,
                            currency="CNY", margin_amount=cny(100000), on=FRIDAY)

    parts = {p.component: p for p in result.split}
    assert (result.competitor_value, result.draft_value) == (cny(9900000), cny(7300000))
    assert (result.target, result.premium) == (cny(10000000), cny(2700000))
    assert parts["base"].monthly_increase == cny(16875)
    assert parts["sign_on"].increase == cny(540000)
    assert parts["equity"].extra_units == 270000


def test_no_premium_when_draft_already_wins(big_tech_offer, unicorn_draft):
    result = premium_to_win(competitor=unicorn_draft, draft=big_tech_offer, basis=Basis.YEAR1_CASH, currency="CNY",
                            margin_percent=Decimal("5"), on=FRIDAY)

    assert result.premium == cny(0)
    assert "no premium" in result.explanation


def test_usd_draft_against_cny_competitor_at_an_ecb_date(ecb_rates, big_tech_offer, candidate):
    """2026-10-30: 1 USD = 7.4326 / 1.1172 CNY. Draft 250,000 USD a year = 1,663,220.5514 CNY.
    Target 2,000,000 x 1.15 = 2,300,000 CNY; premium 636,779.4486 -> 636,779.45 CNY.
    In USD: 2,300,000 / 6.652882... - 250,000 = 95,714.8239; halves of 47,857.41 USD to base and sign-on.
    """
    draft = OfferFactory(candidate=candidate, monthly_base=None, annual_base=Money(250000, "USD"))

    result = premium_to_win(competitor=big_tech_offer, draft=draft, basis=Basis.YEAR1_CASH, currency="CNY",
                            margin_percent=Decimal("15"), on=FRIDAY)

    parts = {p.component: p for p in result.split}
    assert result.draft_value == cny("1663220.55")
    assert result.premium == cny("636779.45")
    assert parts["base"].increase == Money(Decimal("47857.41"), "USD")
    assert parts["sign_on"].increase == Money(Decimal("47857.41"), "USD")
    assert any("2026-10-30" in text for text in result.fx_explanations)


def test_comparison_shows_each_offer_against_the_competing_reference(big_tech_offer, unicorn_draft, candidate):
    """Reference = the extended big-tech offer. Unicorn year-1 cash 1,700,000 vs 2,000,000: -300,000 = -15.0 %.
    4-year totals: big tech 8,000,000 + 2,000,000 = 10,000,000; unicorn 6,400,000 + 100,000 + 2,000,000 = 8,500,000
    (-1,500,000, -15.0 %). Risk-adjusted: 9,900,000 vs 7,300,000: -2,600,000 = -26.26... -> -26.3 %.
    """
    comparison = offer_comparison(candidate=candidate, currency="CNY", on=FRIDAY)

    rows = {row.offer.pk: row for row in comparison.rows}
    unicorn = rows[unicorn_draft.pk]
    assert comparison.reference.offer == big_tech_offer
    assert unicorn.figures["year1_cash"] == cny(1700000)
    assert unicorn.differences["year1_cash"] == (cny(-300000), Decimal("-15.0"))
    assert rows[big_tech_offer.pk].figures["total"] == cny(10000000)
    assert unicorn.differences["total"] == (cny(-1500000), Decimal("-15.0"))
    assert unicorn.differences["risk_adjusted_total"] == (cny(-2600000), Decimal("-26.3"))
    assert "less than" in unicorn.difference_texts["year1_cash"]
    assert "40.0%" in unicorn.explanations["risk_adjusted_total"]


def test_comparison_in_usd_records_the_rate_date_and_source(ecb_rates, big_tech_offer, unicorn_draft, candidate):
    """Saturday 2026-10-24 uses Friday 2026-10-23: 2,000,000 CNY x 1.1193 / 7.466 = 299,839.27 USD."""
    comparison = offer_comparison(candidate=candidate, currency="USD", on=date(2026, 10, 24))

    row = next(r for r in comparison.rows if r.offer == big_tech_offer)
    assert row.figures["year1_cash"] == Money(Decimal("299839.27"), "USD")
    assert row.fx.fixed_on == date(2026, 10, 23)
    assert "2026-10-23" in row.fx_explanation and "ECB" in row.fx_explanation
    assert "1.1193 USD and 7.466 CNY per euro" in row.fx_explanation


def test_explanations_are_translated_to_simplified_chinese(big_tech_offer, unicorn_draft):
    """The same 600,000 CNY premium (see the 15 % worked example), explained in zh-hans."""
    from django.utils import translation

    with translation.override("zh-hans"):
        result = premium_to_win(competitor=big_tech_offer, draft=unicorn_draft, basis=Basis.YEAR1_CASH,
                                currency="CNY", margin_percent=Decimal("15"), on=FRIDAY)

    assert "还需增加 600,000.00 CNY" in result.explanation


def test_premium_to_win_refuses_a_float_margin(big_tech_offer, unicorn_draft):
    with pytest.raises(ValueError, match="float"):
        premium_to_win(competitor=big_tech_offer, draft=unicorn_draft, basis=Basis.YEAR1_CASH, currency="CNY",
                       margin_percent=15.0, on=date(2026, 10, 30))
