"""Settings of the compensation app: the one home of each default and its reasoning.

A project overrides any of them in its own settings (``config/settings.py`` sets none:
this project runs on these defaults). Read with :func:`setting` inside functions, never
at import time.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # Years of the multi-year totals in the offer comparison (typical vesting period).
    "COMPENSATION_COMPARISON_YEARS": 4,
    # Share of face value at which equity counts in risk-adjusted totals (0..1), looked up
    # by funding stage, then company kind, then default. Judgment defaults, override per firm:
    # - listed ("public"): RSUs/shares sell on vesting day; only price moves until vesting,
    #   so ~0.9-1.0 of face: 0.95;
    # - private companies: no market to sell in, dilution, liquidation preferences ahead of
    #   common stock, and a real chance of a down round or failure, so a fraction of paper
    #   value that grows with maturity: pre-IPO 0.60, Series D+ 0.45, C 0.35, B 0.25,
    #   A 0.15, seed/bootstrapped 0.10;
    # - by kind when the stage is unknown: big tech 0.95 (listed), AI unicorn 0.40 (a
    #   Series C-D company valued over USD 1bn), startup 0.15, research lab and investment
    #   firm 0.50; anything else 0.25.
    "COMPENSATION_EQUITY_RISK_FACTORS": {
        "funding_stage": {
            "public": "0.95", "pre_ipo": "0.60", "series_d_plus": "0.45", "series_c": "0.35",
            "series_b": "0.25", "series_a": "0.15", "seed": "0.10", "bootstrapped": "0.10",
        },
        "company_kind": {
            "big_tech": "0.95", "ai_unicorn": "0.40", "startup": "0.15", "research_lab": "0.50", "investment_firm": "0.50",
        },
        "default": "0.25",
    },
    # How a premium to win is split across the draft's base, sign-on and equity, per basis
    # (weights sum to 1; see compensation.comparison.premium_split). Base is recurring and
    # costs the client every year, so it takes at most half; sign-on is one-off and bridges
    # year 1 (e.g. unvested equity the candidate leaves behind); equity only counts where
    # the basis counts equity. Weights of components the draft cannot carry go to the others.
    "COMPENSATION_PREMIUM_SPLIT": {
        "year1_cash": {"base": "0.5", "sign_on": "0.5", "equity": "0"},
        "year1_total": {"base": "0.4", "sign_on": "0.3", "equity": "0.3"},
        "risk_adjusted_total": {"base": "0.4", "sign_on": "0.2", "equity": "0.4"},
    },
}


def setting(name: str) -> Any:
    """Return ``settings.<name>``, or its default from :data:`DEFAULTS`."""
    from django.conf import settings

    return getattr(settings, name, DEFAULTS[name])
