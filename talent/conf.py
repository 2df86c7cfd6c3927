"""Settings of the talent app: the one home of each default and its reasoning.

A project overrides any of them in its own settings (``config/settings.py`` reads them
from the environment, see ``.env.example``). Read with :func:`setting` inside functions,
never at import time. The other apps read ``BASE_CURRENCY`` from here too: talent is the
lowest app, so its defaults are visible to all three.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # The currency that comparisons, scoring and reports convert money into (ISO 4217).
    # CNY: the firms this is built for quote and pay in renminbi.
    "BASE_CURRENCY": "CNY",
    # The currencies forms offer and importers accept (django-money's CURRENCIES setting):
    # what the firms' clients pay in (mainland China, the US, Europe, Hong Kong, Singapore,
    # the UK, Japan). Conversions between any of them go through crm.fx.
    "CURRENCIES": ["CNY", "USD", "EUR", "HKD", "SGD", "GBP", "JPY"],
    # Retention (GDPR art. 5(1)(e): kept no longer than needed). A candidate without a
    # retention date is held this many days after their last change: two years, the common
    # term for a recruiter's talent pool (long enough for a researcher's next move).
    "TALENT_RETENTION_DAYS": 730,
    # Past retention, owners are told every week; this many days later the data is erased
    # unless someone set a new retention date (e.g. after renewed consent).
    "TALENT_ERASURE_GRACE_DAYS": 30,
    # Secret of the keyed hashes that remember erased people (tombstones). Empty: derived
    # from SECRET_KEY. Set it explicitly in production: rotating SECRET_KEY would otherwise
    # make earlier tombstones unrecognisable, and erased people could be imported again.
    "TALENT_ERASURE_SECRET": "",
    # Identity resolution (talent.services.dedup), scores 0-100. A name match at or above
    # IMPORT_MATCH_THRESHOLD is the same person; at or above IMPORT_FLAG_THRESHOLD the
    # record becomes a new candidate and a PossibleDuplicate for a recruiter. 90/70 were
    # chosen on the shipped proceedings file: 90 merges "JASON Weston" into "Jason Weston"
    # at the same employer but never two "Wei Wang"s at different universities (85).
    "IMPORT_MATCH_THRESHOLD": 90.0,
    "IMPORT_FLAG_THRESHOLD": 70.0,
    # Two affiliations agree when rapidfuzz's ratio of their folded forms reaches this.
    "IMPORT_ORG_SIMILARITY": 90.0,
    # Subtracted from the name score when there is nothing to compare (no affiliation on
    # either side and no shared co-author), and when both affiliations differ.
    "IMPORT_PENALTY_NO_EVIDENCE": 15.0,
    "IMPORT_PENALTY_ORG_DIFFERS": 20.0,
    # Added back, in those two cases, when the names are identical as written.
    "IMPORT_BONUS_IDENTICAL_NAME": 5.0,
}


def setting(name: str) -> Any:
    """Return ``settings.<name>``, or its default from :data:`DEFAULTS`.

    Raises:
        KeyError: ``name`` is not a talent setting.
    """
    from django.conf import settings

    return getattr(settings, name, DEFAULTS[name])
