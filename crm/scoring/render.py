"""One renderer of stored fit-score breakdowns, for every reader (admin, partner API, weekly report).

:func:`breakdown_render` is the contract the readers rely on; how a breakdown is stored
(:mod:`crm.scoring.explain`) may change behind it. Output: a list, in factor order, of

``{"factor": str, "label": str, "value": float | None, "weight": float | None,
"explanation": str, "facts": dict}``

* ``factor``: one of :data:`crm.scoring.FACTORS`, or ``"must_have"`` (a failed must-have:
  the score is 0) or ``"off_limits"`` (the pair is excluded); these two carry no weight;
* ``label``: the factor's name in the reader's language;
* ``value``: the factor's value in [0, 1]; ``weight``: its normalised weight (sum 1);
* ``explanation``: a sentence in the reader's language;
* ``facts``: the numbers and ids behind the explanation, as stored (may be empty).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .explain import explanation_text

FACTOR_LABELS = {
    "specialty": _("Specialty match"),
    "research": _("Research strength"),
    "degree": _("Degree"),
    "experience": _("Experience"),
    "compensation": _("Compensation"),
    "location": _("Location"),
    "must_have": _("Must-have"),
    "off_limits": _("Off-limits"),
}


def breakdown_render(breakdown: list[dict] | None, *, language: str | None = None) -> list[dict]:
    """Render a stored breakdown for a reader in ``language`` (default: the active language).

    Args:
        breakdown: ``FitScore.breakdown`` as stored.
        language: A code of ``settings.LANGUAGES`` (``"en"``, ``"zh-hans"``).

    Returns:
        The list described in the module docstring; ``[]`` for an empty breakdown.
    """
    with translation.override(language or translation.get_language()):
        items = []
        for entry in breakdown or []:
            factor = entry.get("factor")
            value, weight = entry.get("value"), entry.get("weight")
            items.append({
                "factor": factor,
                "label": str(FACTOR_LABELS.get(factor, factor)),
                "value": None if value is None else float(value),
                "weight": None if weight is None else float(weight),
                "explanation": explanation_text(entry),
                "facts": dict(entry.get("facts") or {}),
            })
        return items
