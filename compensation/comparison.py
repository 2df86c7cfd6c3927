"""Offer comparison and premium to win, in one chosen currency, each figure with its explanation.

* :func:`offer_comparison`: all offers of one candidate side by side (year-1 cash,
  year-1 total, N-year total, risk-adjusted N-year total), each with its difference from
  a reference offer as an amount and a percentage.
* :func:`premium_to_win`: given a competing offer and the client's draft, the extra
  amount the draft needs to beat the competitor by a margin (a percentage or an amount)
  on a chosen basis, and a suggested split of it across base, sign-on and equity
  (:func:`premium_split`).

Amounts are converted with the ECB fixing of the comparison date (:mod:`crm.fx`),
computed unrounded, and rounded once, half-up to the currency's minor unit, in the
result objects. Percentages are rounded once to one decimal, half-up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from djmoney.money import Money

from crm.fx import FxQuote, fx_quote
from crm.models import Company
from talent.models import Candidate
from talent.money import minor_unit_exponent, round_money

from . import valuation as v
from .conf import setting
from .models import Offer

HUNDRED = Decimal(100)


class Basis(models.TextChoices):
    """What "worth more" means when comparing two offers."""

    YEAR1_CASH = "year1_cash", gettext_lazy("Year-1 cash")
    YEAR1_TOTAL = "year1_total", gettext_lazy("Year-1 total (cash + vested equity)")
    RISK_ADJUSTED_TOTAL = "risk_adjusted_total", gettext_lazy("Risk-adjusted multi-year total")


def money_text(money: Money) -> str:
    """Format a final amount as ``"2,300,000.00 CNY"`` (ISO code, unambiguous; rounded half-up once)."""
    rounded = round_money(money)
    return f"{rounded.amount:,.{minor_unit_exponent(rounded.currency.code)}f} {rounded.currency.code}"


def percent_text(value: Decimal) -> str:
    """Format a percentage with one decimal, half-up: ``Decimal("15")`` -> ``"15.0%"``."""
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _comparison_years() -> int:
    return int(setting("COMPENSATION_COMPARISON_YEARS"))


def offer_risk_factor(offer: Offer) -> Decimal:
    """The equity risk factor of the offer's company (settings; see :func:`valuation.equity_risk_factor`)."""
    return v.equity_risk_factor(company_kind=offer.company.kind, funding_stage=offer.company.funding_stage)


def risk_reason(company: Company, factor: Decimal) -> str:
    """A sentence saying why the company's equity counts at ``factor`` of its paper value."""
    share = percent_text(factor * HUNDRED)
    if company.funding_stage == Company.FundingStage.PUBLIC or (
            not company.funding_stage and company.kind == Company.Kind.BIG_TECH):
        return _("%(company)s is listed: its shares can be sold as they vest, so they count at %(share)s "
                 "of their value (only the share price can move until then).") % {"company": company, "share": share}
    stage = company.get_funding_stage_display() if company.funding_stage else company.get_kind_display()
    return _("%(company)s is private (%(stage)s): its shares cannot be sold freely and may be diluted or worth "
             "less at an exit, so they count at %(share)s of their paper value.") % {
        "company": company, "stage": stage, "share": share}


def _schedule_text(offer: Offer) -> str:
    if offer.vesting_schedule:
        return "/".join(str(p) for p in offer.vesting_schedule)
    return _("even over %(years)d years") % {"years": offer.vesting_years}


@dataclass
class OfferFigures:
    """One offer valued in the comparison currency: unrounded ``value`` plus rounded figures.

    ``figures`` maps a basis (``year1_cash``, ``year1_total``, ``total``,
    ``risk_adjusted_total``) to its rounded ``Money``; ``explanations`` maps the same
    keys to a sentence; ``differences`` (filled by :func:`offer_comparison`) maps each to
    ``(amount, percent or None)`` against the reference offer.
    """

    offer: Offer
    value: v.OfferValue
    years: int
    figures: dict[str, Money] = field(default_factory=dict)
    explanations: dict[str, str] = field(default_factory=dict)
    differences: dict[str, tuple[Money, Decimal | None]] = field(default_factory=dict)
    difference_texts: dict[str, str] = field(default_factory=dict)

    @property
    def fx(self) -> FxQuote | None:
        return self.value.fx

    @property
    def fx_explanation(self) -> str:
        """The rate, date and source used for every figure of this offer ("" when not converted)."""
        return self.value.fx.explanation() if self.value.fx is not None else ""

    def exact(self, key: str) -> Money:
        """The unrounded figure behind ``figures[key]``."""
        val = self.value
        return {
            "year1_cash": val.year1_cash, "year1_total": val.year1_total,
            "total": val.total(self.years), "risk_adjusted_total": val.risk_adjusted_total(self.years),
        }[key]


FIGURE_KEYS = ("year1_cash", "year1_total", "total", "risk_adjusted_total")


def offer_figures(offer: Offer, *, currency: str, on: date | None = None, years: int | None = None) -> OfferFigures:
    """Value ``offer`` in ``currency`` as of ``on`` (default today) over ``years`` (default settings).

    Raises:
        MissingFxRate: No ECB fixing for the conversion on ``on`` or the days before.
    """
    on = on or timezone.localdate()
    years = years or _comparison_years()
    quote = fx_quote(v.offer_currency(offer), currency, on)
    factor = offer_risk_factor(offer)
    value = v.offer_value(offer, risk_factor=factor, horizon=years, quote=quote)
    result = OfferFigures(offer=offer, value=value, years=years)
    for key in FIGURE_KEYS:
        result.figures[key] = round_money(result.exact(key))
    result.explanations = _explanations(offer, value, years, factor)
    return result


def _explanations(offer: Offer, value: v.OfferValue, years: int, factor: Decimal) -> dict[str, str]:
    one_off = value.sign_on + value.relocation
    equity_years = value.equity_over(years)
    grant = value.equity_grant
    texts = {
        "year1_cash": _(
            "Year-1 cash is what is paid in the first 12 months: base %(base)s + target bonus %(bonus)s "
            "+ sign-on %(sign_on)s + relocation %(relocation)s = %(total)s."
        ) % {"base": money_text(value.annual_base), "bonus": money_text(value.annual_bonus),
             "sign_on": money_text(value.sign_on), "relocation": money_text(value.relocation),
             "total": money_text(value.year1_cash)},
        "year1_total": _(
            "Year-1 total adds the equity that vests in the first 12 months, %(equity)s (vesting %(schedule)s, "
            "%(cliff)d-month cliff), to the year-1 cash: %(total)s."
        ) % {"equity": money_text(value.year1_equity), "schedule": _schedule_text(offer),
             "cliff": offer.cliff_months or 0, "total": money_text(value.year1_total)},
        "total": _(
            "The %(years)d-year total is %(years)d years of base and bonus (%(cash)s), the one-off sign-on and "
            "relocation (%(one_off)s) and the equity vesting in those years at today's value (%(equity)s): "
            "%(total)s. No raises, refresher grants or share-price changes are assumed."
        ) % {"years": years, "cash": money_text(value.annual_cash * years), "one_off": money_text(one_off),
             "equity": money_text(equity_years), "total": money_text(value.total(years))},
        "risk_adjusted_total": _(
            "The risk-adjusted total counts that equity at %(share)s of its value (%(equity)s): %(total)s. %(reason)s"
        ) % {"share": percent_text(factor * HUNDRED), "equity": money_text(equity_years * factor),
             "total": money_text(value.risk_adjusted_total(years)), "reason": risk_reason(offer.company, factor)},
    }
    if offer.equity_kind == Offer.EquityKind.OPTIONS and grant.amount == 0:
        texts["total"] += " " + _("The options are under water (fair value at or below the strike), so they count as zero.")
    return texts


def _difference(amount: Money, reference: Money) -> tuple[Money, Decimal | None]:
    with v.exact():
        diff = amount - reference
        percent = diff.amount / reference.amount * HUNDRED if reference.amount else None
    return round_money(diff), (percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if percent is not None else None)


@dataclass
class Comparison:
    """All offers of one candidate in one currency; ``reference`` is the row differences are taken from."""

    candidate: Candidate
    currency: str
    on: date
    years: int
    rows: list[OfferFigures]
    reference: OfferFigures | None


def reference_offer(offers: Iterable[Offer]) -> Offer | None:
    """The default reference: the first extended or accepted offer from a non-client (the competing offer), else the first."""
    offers = list(offers)
    for offer in offers:
        if not offer.company.is_client and offer.status in (Offer.Status.EXTENDED, Offer.Status.ACCEPTED):
            return offer
    return offers[0] if offers else None


def offer_comparison(*, candidate: Candidate, currency: str, on: date | None = None, reference: Offer | None = None,
                     years: int | None = None, include_closed: bool = False) -> Comparison:
    """Compare every offer of ``candidate`` in ``currency``.

    Args:
        on: Date of the exchange rates (default today; weekends use the previous fixing).
        reference: The offer differences are measured from (default :func:`reference_offer`).
        include_closed: Also show declined, expired and withdrawn offers.

    Raises:
        MissingFxRate: A conversion has no ECB fixing.
    """
    on = on or timezone.localdate()
    years = years or _comparison_years()
    offers = candidate.offers.select_related("company", "candidacy__opening").order_by("created_at", "id")
    if not include_closed:
        offers = offers.exclude(status__in=[Offer.Status.DECLINED, Offer.Status.EXPIRED, Offer.Status.WITHDRAWN])
    offers = list(offers)
    rows = [offer_figures(o, currency=currency, on=on, years=years) for o in offers]
    ref_offer = reference if reference is not None else reference_offer(offers)
    ref_row = next((r for r in rows if ref_offer is not None and r.offer.pk == ref_offer.pk), None)
    if ref_row is not None:
        for row in rows:
            for key in FIGURE_KEYS:
                amount, percent = _difference(row.exact(key), ref_row.exact(key))
                row.differences[key] = (amount, percent)
                if row is ref_row:
                    row.difference_texts[key] = _("Reference offer.")
                else:
                    row.difference_texts[key] = _difference_text(amount, percent, ref_row.offer)
    return Comparison(candidate=candidate, currency=currency, on=on, years=years, rows=rows, reference=ref_row)


def _difference_text(amount: Money, percent: Decimal | None, reference: Offer) -> str:
    params = {"amount": money_text(abs(amount)), "percent": percent_text(abs(percent)) if percent is not None else "—",
              "reference": reference.company}
    if amount.amount > 0:
        return _("%(amount)s (%(percent)s) more than the %(reference)s offer.") % params
    if amount.amount < 0:
        return _("%(amount)s (%(percent)s) less than the %(reference)s offer.") % params
    return _("The same as the %(reference)s offer.") % params


# --- Premium to win -------------------------------------------------------------------

@dataclass
class SplitPart:
    """One component of the suggested premium, in the draft's currency.

    Attributes:
        component: ``base``, ``sign_on`` or ``equity``.
        share: Part of the premium it carries (display currency, rounded).
        increase: What to add to the draft: annual base, sign-on amount, or equity grant value.
        monthly_increase: For a monthly-base draft, the increase per month.
        extra_units: Extra options (options draft) or RSU shares (draft with shares x price),
            rounded half-up; ``None`` for a grant given as a value.
    """

    component: str
    weight: Decimal
    share: Money
    increase: Money
    monthly_increase: Money | None = None
    extra_units: int | None = None
    explanation: str = ""

    @property
    def label(self) -> str:
        return str(COMPONENT_LABELS[self.component])


COMPONENT_LABELS = {"base": gettext_lazy("Base pay"), "sign_on": gettext_lazy("Sign-on bonus"),
                    "equity": gettext_lazy("Equity")}


@dataclass
class PremiumToWin:
    """The premium the draft needs to beat the competitor by the margin, with its suggested split.

    Amounts in ``currency`` are rounded once; ``premium`` is 0 when the draft already wins.
    Rounding is half-up like every figure, so a draft raised by the rounded increases can
    fall short of the exact target by less than one minor unit per component.
    """

    basis: str
    currency: str
    on: date
    years: int
    competitor_value: Money
    draft_value: Money
    target: Money
    premium: Money
    margin_text: str
    split: list[SplitPart]
    explanation: str
    split_explanation: str
    fx_explanations: list[str]


def premium_split_weights(basis: str, *, eligible: Iterable[str]) -> dict[str, Decimal]:
    """Return the weights of ``base``, ``sign_on``, ``equity`` for ``basis`` (summing to 1).

    Split rule (``settings.COMPENSATION_PREMIUM_SPLIT``): year-1 cash 50 % base / 50 % sign-on;
    year-1 total 40 / 30 / 30; risk-adjusted total 40 / 20 / 40 (base / sign-on / equity).
    A component the draft cannot carry (no equity, options under water, no equity vesting
    in year 1, a zero risk factor) gets weight 0 and its weight goes to the others in
    proportion.
    """
    configured = setting("COMPENSATION_PREMIUM_SPLIT")[basis]
    eligible = set(eligible)
    weights = {name: Decimal(str(configured.get(name, "0"))) if name in eligible else Decimal(0)
               for name in ("base", "sign_on", "equity")}
    total = sum(weights.values(), Decimal(0))
    if total == 0:
        return {"base": Decimal(0), "sign_on": Decimal(1), "equity": Decimal(0)}
    with v.exact():
        return {name: weight / total for name, weight in weights.items()}


def _basis_value(value: v.OfferValue, basis: str, years: int) -> Money:
    if basis == Basis.YEAR1_CASH:
        return value.year1_cash
    if basis == Basis.YEAR1_TOTAL:
        return value.year1_total
    if basis == Basis.RISK_ADJUSTED_TOTAL:
        return value.risk_adjusted_total(years)
    raise ValueError(f"Unknown basis {basis!r}")


def premium_to_win(*, competitor: Offer, draft: Offer, basis: str, currency: str, margin_percent: Decimal | None = None,
                   margin_amount: Money | None = None, on: date | None = None, years: int | None = None) -> PremiumToWin:
    """Compute what ``draft`` must add to beat ``competitor`` by a margin on ``basis``.

    target = competitor's basis value x (1 + margin_percent / 100), or + margin_amount;
    premium = max(target - draft's basis value, 0), in ``currency``. The premium is then
    split across base, sign-on and equity (:func:`premium_split_weights`), and each
    share turned into an increase of the draft's own terms, in the draft's currency:

    * base: share / (years counted x (1 + bonus %)) a year, since a bonus given as a
      percentage of base grows with it (years counted: 1 for year-1 bases, N for the
      risk-adjusted N-year total); / months per year for a monthly base;
    * sign-on: the share itself (paid once, counted once on every basis);
    * equity: share / (fraction of the grant vesting in the years counted x risk factor,
      1 for year-1 total), as grant value; options as (fair value - strike) per option.

    Adding those increases to the draft gives exactly the target (before the final rounding).

    Args:
        margin_percent: e.g. ``Decimal("15")`` for 15 %; or
        margin_amount: a ``Money`` (converted to ``currency`` at the same fixing if needed).

    Raises:
        ValueError: Neither or both margins, a float ``margin_percent`` (0.1 is not one tenth:
            give a ``Decimal``), or an unknown basis. (A ``margin_amount`` made from a float
            cannot be told apart; the calculator form parses it with ``parse_money``.)
        MissingFxRate: A conversion has no ECB fixing.
    """
    if (margin_percent is None) == (margin_amount is None):
        raise ValueError("Give either margin_percent or margin_amount.")
    if isinstance(margin_percent, float):
        raise ValueError("Give margin_percent as a Decimal, not a float.")
    on = on or timezone.localdate()
    years = years or _comparison_years()
    counted_years = years if basis == Basis.RISK_ADJUSTED_TOTAL else 1
    comp = offer_figures(competitor, currency=currency, on=on, years=years)
    draft_figures = offer_figures(draft, currency=currency, on=on, years=years)
    comp_value = _basis_value(comp.value, basis, years)
    draft_value = _basis_value(draft_figures.value, basis, years)
    fx_texts = [q.explanation() for q in (comp.fx, draft_figures.fx) if q is not None]
    with v.exact():
        if margin_percent is not None:
            target = comp_value * (1 + Decimal(margin_percent) / HUNDRED)
            margin_text = percent_text(Decimal(margin_percent))
        else:
            margin_quote = fx_quote(margin_amount.currency.code, currency, on)
            if margin_quote is not None:
                fx_texts.append(margin_quote.explanation())
            margin = v.convert(margin_amount, margin_quote)
            target = comp_value + margin
            margin_text = money_text(margin_amount)
        premium = target - draft_value
        if premium.amount < 0:
            premium = Money(0, currency)
    split = _split(draft, draft_figures.value, basis, premium, counted_years=counted_years, on=on)
    params = {
        "competitor": competitor.company, "basis": Basis(basis).label.lower(), "comp": money_text(comp_value),
        "margin": margin_text, "client": draft.company, "target": money_text(target),
        "draft": money_text(draft_value), "premium": money_text(premium),
    }
    if premium.amount > 0:
        explanation = _(
            "To beat the %(competitor)s offer (%(basis)s %(comp)s) by %(margin)s, the %(client)s offer must be worth "
            "at least %(target)s; the current draft is worth %(draft)s, so it needs %(premium)s more."
        ) % params
    else:
        explanation = _(
            "The %(client)s draft (%(basis)s %(draft)s) already beats the %(competitor)s offer (%(comp)s) by "
            "%(margin)s or more: target %(target)s, no premium needed."
        ) % params
    return PremiumToWin(
        basis=basis, currency=currency, on=on, years=years, competitor_value=round_money(comp_value),
        draft_value=round_money(draft_value), target=round_money(target), premium=round_money(premium),
        margin_text=margin_text, split=split, explanation=explanation,
        split_explanation=_split_explanation(basis, split), fx_explanations=fx_texts,
    )


def _split(draft: Offer, draft_value: v.OfferValue, basis: str, premium: Money, *, counted_years: int,
           on: date) -> list[SplitPart]:
    """Turn the premium (display currency, unrounded) into increases of the draft's own terms."""
    draft_currency = v.offer_currency(draft)
    back = fx_quote(premium.currency.code, draft_currency, on)
    fractions = v.vested_fractions_by_year(years=draft.vesting_years or 1, cliff_months=draft.cliff_months or 0,
                                           schedule=draft.vesting_schedule, horizon=counted_years)
    with v.exact():
        vested = sum(fractions, Decimal(0))
        equity_factor = vested * (draft_value.risk_factor if basis == Basis.RISK_ADJUSTED_TOTAL else 1)
        unit_value = None  # value of one extra option (fair value - strike) or RSU share (price)
        if draft.equity_kind == Offer.EquityKind.OPTIONS and draft.option_fair_value is not None:
            unit_value = (draft.option_fair_value - draft.option_strike).amount
        elif draft.equity_kind == Offer.EquityKind.RSU and draft.rsu_grant_value is None and draft.share_price:
            unit_value = draft.share_price.amount
    eligible = ["base", "sign_on"]
    equity_ok = (draft.equity_kind == Offer.EquityKind.RSU and unit_value != 0) or (
        draft.equity_kind == Offer.EquityKind.OPTIONS and unit_value is not None and unit_value > 0)
    if equity_ok and equity_factor > 0 and basis != Basis.YEAR1_CASH:
        eligible.append("equity")
    weights = premium_split_weights(basis, eligible=eligible)
    bonus_factor = Decimal(1)
    if draft.target_bonus is None and draft.target_bonus_percent is not None:
        bonus_factor = 1 + Decimal(draft.target_bonus_percent) / HUNDRED
    parts = []
    for component in ("base", "sign_on", "equity"):
        weight = weights[component]
        if weight == 0:
            continue
        with v.exact():
            share = premium * weight
            share_draft = v.convert(share, back)
            part = SplitPart(component=component, weight=weight, share=round_money(share), increase=share_draft)
            if component == "base":
                annual = share_draft / (counted_years * bonus_factor)
                part.increase = round_money(annual)
                if draft.monthly_base is not None:
                    part.monthly_increase = round_money(annual / Decimal(draft.months_per_year))
            elif component == "sign_on":
                part.increase = round_money(share_draft)
            else:
                grant_increase = share_draft / equity_factor
                part.increase = round_money(grant_increase)
                if unit_value:
                    part.extra_units = int((grant_increase.amount / unit_value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        part.explanation = _part_explanation(draft, part, counted_years)
        parts.append(part)
    return parts


def _part_explanation(draft: Offer, part: SplitPart, counted_years: int) -> str:
    params = {"share": money_text(part.share), "weight": percent_text(part.weight * HUNDRED),
              "increase": money_text(part.increase), "years": counted_years}
    if part.component == "base":
        if part.monthly_increase is not None:
            params.update(monthly=money_text(part.monthly_increase), months=draft.months_per_year.normalize())
            return _("Base: %(weight)s of the premium (%(share)s): raise the monthly base by %(monthly)s "
                     "(x %(months)s months = %(increase)s a year, plus the bonus that follows it).") % params
        return _("Base: %(weight)s of the premium (%(share)s): raise the annual base by %(increase)s "
                 "(plus the bonus that follows it).") % params
    if part.component == "sign_on":
        return _("Sign-on: %(weight)s of the premium (%(share)s): add a one-off sign-on bonus of %(increase)s, "
                 "paid in year 1.") % params
    if part.extra_units is not None and draft.equity_kind == Offer.EquityKind.OPTIONS:
        params["units"] = f"{part.extra_units:,}"
        return _("Equity: %(weight)s of the premium (%(share)s): grant %(units)s more options (%(increase)s "
                 "of value at today's fair value less strike), which after vesting and risk are worth the share.") % params
    if part.extra_units is not None:
        params["units"] = f"{part.extra_units:,}"
        return _("Equity: %(weight)s of the premium (%(share)s): grant %(units)s more RSU shares (%(increase)s at "
                 "today's price), which after vesting and risk are worth the share.") % params
    return _("Equity: %(weight)s of the premium (%(share)s): add %(increase)s to the RSU grant, which after "
             "vesting and risk is worth the share.") % params


def _split_explanation(basis: str, parts: list[SplitPart]) -> str:
    if not parts or all(p.share.amount == 0 for p in parts):
        return _("No change to the draft is needed.")
    return _(
        "Split rule: the recurring base takes at most half, because it costs the client every year; the one-off "
        "sign-on bridges year 1 (for example the unvested equity the candidate leaves behind); equity carries the "
        "rest where the basis counts equity. Components the draft cannot carry pass their share to the others."
    )
