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
    # Weekly report (crm/reports). A candidacy in an open stage with no stage move and no
    # activity for this many days is "stale": two weeks, twice the weekly rhythm in which
    # recruiters are expected to touch every live candidate (a candidate not heard from in
    # a fortnight is cooling off or talking to someone else).
    "CRM_REPORT_STALE_DAYS": 14,
    # Best-fit candidates not yet in an opening's pipeline listed per opening (stored fit
    # scores, best first): a short list a manager can act on in one reading.
    "CRM_REPORT_BEST_FIT_PER_OPENING": 3,
    # Weeks in the week-over-week trend chart (the reported week and the ones before it):
    # about two months, enough to see a trend without squeezing the bars.
    "CRM_REPORT_TREND_WEEKS": 8,
    # Rows shown per list in the e-mail (stale candidacies, pending offers); the CSV
    # attachment always has every row, and the e-mail says how many more there are.
    "CRM_REPORT_LIST_LIMIT": 15,
    # A worker that claimed a report for sending owns it this long; after that another
    # delivery of the task may take it over and send it again (same Message-ID). Longer
    # than a slow SMTP exchange with retries (Django's SMTP timeout is unset: the OS's);
    # shorter than the broker's visibility timeout, so a redelivered task finds it free.
    "CRM_REPORT_SEND_LEASE_SECONDS": 600,
    # Managers whose figures the Monday fan-out computes together (the same ~16 queries for
    # the whole batch; bench/report.py: 50 managers over 1,000,000 stage changes in a few
    # seconds). A payload is a few hundred kB at most, so 100 keep the worker's memory small.
    "CRM_REPORT_BATCH_SIZE": 100,
}


def setting(name: str) -> Any:
    """Return ``settings.<name>``, or its default from :data:`DEFAULTS`.

    Raises:
        KeyError: ``name`` is not a crm setting.
    """
    from django.conf import settings

    return getattr(settings, name, DEFAULTS[name])
