"""Settings of the compensation app with their defaults, for projects that set none.

``config/settings.py`` (section "Compensation") sets the same values explicitly and
documents the reasoning behind each; another project using the apps as a library gets
these defaults. Read with :func:`setting` inside functions, never at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    "COMPENSATION_FX_FILE": Path(__file__).resolve().parent / "data" / "fx" / "eurofxref-hist.csv",
    "COMPENSATION_FX_MAX_STALENESS_DAYS": 7,
    "COMPENSATION_COMPARISON_YEARS": 4,
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
