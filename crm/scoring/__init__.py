"""Fit scoring: how well each candidate fits each opening, 0-100, with a readable breakdown.

Layout:

* :mod:`crm.scoring.factors`  the six factor formulas, elementwise on numpy arrays;
* :mod:`crm.scoring.features` candidate and opening features from a bounded number of SQL
  queries per block of candidates;
* :mod:`crm.scoring.kernel`   candidates x openings blocks -> factor values and scores,
  the streaming top-K per opening, and the same formulas on a list of pairs;
* :mod:`crm.scoring.explain`  the breakdown (factor, value, weight, explanation in every
  language of ``settings.LANGUAGES``) of the pairs that are stored;
* :mod:`crm.scoring.persist`  bulk upsert (PostgreSQL COPY + ``INSERT .. ON CONFLICT``,
  SQLite ``bulk_create(update_conflicts=True)``);
* :mod:`crm.scoring.services` the entry points: :func:`openings_rescore`,
  :func:`candidates_rescore`, :func:`candidate_openings_live`.
"""

# Bump when a formula, a constant default or the breakdown format changes: every stored
# FitScore carries the version that computed it.
# 1.1.0: breakdown entries carry "explanations" per language (and "reasons" when off-limits).
SCORER_VERSION = "1.1.0"

# The factors, in breakdown order. Settings and Opening.score_weights use these names.
FACTORS = ("specialty", "research", "degree", "experience", "compensation", "location")

# Defaults of the CRM_SCORING_* settings: the one home of each value and its reason. A
# project overrides any of them in its settings (config/settings.py reads the first six
# from the environment, see .env.example).
DEFAULT_SETTINGS = {
    # Factor weights (relative; normalised to sum 1). Opening.score_weights overrides per factor.
    "CRM_SCORING_WEIGHTS": {"specialty": 0.35, "research": 0.25, "degree": 0.10, "experience": 0.10,
                            "compensation": 0.10, "location": 0.10},
    # Stored ranking per opening: the best K pairs plus every pair that has a candidacy.
    "CRM_SCORING_TOP_K": 500,
    # Candidates per block of the kernel (memory ~ block x openings x 8 B x ~12).
    "CRM_SCORING_BLOCK_SIZE": 4096,
    # Openings per rescore_all message (ceil(openings / this) messages, at most 1,000).
    "CRM_SCORING_OPENINGS_PER_TASK": 25,
    # Openings in these statuses are scored by rescore_all and by a candidate's rescore.
    "CRM_SCORING_OPENING_STATUSES": ["open", "draft", "on_hold"],
    # Partial credit through the specialty taxonomy (crm.scoring.factors.specialty_similarity).
    "CRM_SCORING_TAXONOMY_CREDIT": {"exact": 1.0, "narrower": 0.8, "broader": 0.5, "sibling": 0.3},
    # A must-have is met when the candidate's credit for it reaches this (0.8 = exact or narrower).
    "CRM_SCORING_MUST_HAVE_MIN_CREDIT": 0.8,
    # Research strength: tier weights, half-life of a paper's weight in years, first-author
    # bonus, and the target when an opening sets no minimum number of top-venue papers.
    "CRM_SCORING_TIER_WEIGHTS": {1: 1.0, 2: 0.5, 3: 0.2},
    "CRM_SCORING_RECENCY_HALF_LIFE_YEARS": 5.0,
    "CRM_SCORING_FIRST_AUTHOR_BONUS": 0.5,
    "CRM_SCORING_DEFAULT_TOP_PAPERS": 2,
    # Expected pay this fraction above the band maximum scores 0 (linear in between).
    "CRM_SCORING_COMP_STRETCH": 0.5,
    # Coalescing window of save-triggered rescoring (s): saves within it produce one task.
    "CRM_SCORING_COALESCE_SECONDS": 10,
}


def setting(name: str):
    """Return ``settings.<name>``, or its default from :data:`DEFAULT_SETTINGS`."""
    from django.conf import settings

    return getattr(settings, name, DEFAULT_SETTINGS[name])
