"""Fit scoring: how well each candidate fits each opening, 0-100, with a readable breakdown.

Layout:

* :mod:`crm.scoring.factors`  the six factor formulas, elementwise on numpy arrays;
* :mod:`crm.scoring.features` candidate and opening features from a bounded number of SQL
  queries per block of candidates;
* :mod:`crm.scoring.kernel`   candidates x openings blocks -> factor values and scores,
  the streaming top-K per opening, and the same formulas on a list of pairs;
* :mod:`crm.scoring.explain`  the breakdown (factor, value, weight, explanation) of the
  pairs that are stored;
* :mod:`crm.scoring.persist`  bulk upsert (PostgreSQL COPY + ``INSERT .. ON CONFLICT``,
  SQLite ``bulk_create(update_conflicts=True)``);
* :mod:`crm.scoring.services` the entry points: :func:`openings_rescore`,
  :func:`candidates_rescore`, :func:`candidate_openings_live`.
"""

# Bump when a formula, a constant default or the breakdown format changes: every stored
# FitScore carries the version that computed it.
SCORER_VERSION = "1.0.0"

# The factors, in breakdown order. Settings and Opening.score_weights use these names.
FACTORS = ("specialty", "research", "degree", "experience", "compensation", "location")
