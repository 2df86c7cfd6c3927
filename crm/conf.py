"""Settings of the crm app (outside scoring): the one home of each default and its reasoning.

Scoring's ``CRM_SCORING_*`` defaults live in :data:`crm.scoring.DEFAULT_SETTINGS`. A
project overrides any of these in its own settings. Read with :func:`setting` inside
functions, never at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    # The ECB reference-rate history shipped with the app (loaded by `manage.py load_fx_rates`).
    "CRM_FX_FILE": Path(__file__).resolve().parent / "data" / "fx" / "eurofxref-hist.csv",
    # A date without a fixing uses the latest business day before it, at most this many
    # calendar days back (a weekend plus the Easter or Christmas TARGET holidays is < 7 days).
    "CRM_FX_MAX_STALENESS_DAYS": 7,
    # A placement's guarantee period (days from the start date): if the hire leaves within
    # it, the firm replaces them or refunds the fee. 90 days is the common term in
    # executive-search contracts (3 months); set it to what your contracts say.
    "CRM_PLACEMENT_GUARANTEE_DAYS": 90,
}


def setting(name: str) -> Any:
    """Return ``settings.<name>``, or its default from :data:`DEFAULTS`.

    Raises:
        KeyError: ``name`` is not a crm setting.
    """
    from django.conf import settings

    return getattr(settings, name, DEFAULTS[name])
