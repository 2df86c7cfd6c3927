"""Reads of the crm app that join or shape data for output (fit-score rankings)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import FitScore, Opening, ScoringRun


def fitscore_ranking(*, opening_id: int, limit: int = 50) -> QuerySet[FitScore]:
    """Return the best stored, not excluded scores of an opening, best first (ties: lower candidate id)."""
    return (
        FitScore.objects.filter(opening_id=opening_id, is_excluded=False)
        .select_related("candidate")
        .order_by("-score", "candidate_id")[:limit]
    )


def fitscore_excluded(*, opening_id: int, limit: int = 50) -> QuerySet[FitScore]:
    """Return the stored off-limits pairs of an opening (score 0, with the reason)."""
    return (
        FitScore.objects.filter(opening_id=opening_id, is_excluded=True)
        .select_related("candidate", "candidate__current_company")
        .order_by("candidate__full_name", "candidate_id")[:limit]
    )


def scoringrun_latest_for_opening(*, opening_id: int) -> ScoringRun | None:
    """Return the latest run that scored this opening (from the stored rows' run)."""
    run_id = (
        FitScore.objects.filter(opening_id=opening_id, run__isnull=False).order_by("-run_id")
        .values_list("run_id", flat=True).first()
    )
    return ScoringRun.objects.filter(pk=run_id).first() if run_id else None


def candidate_best_openings(*, candidate_id: int, limit: int = 10) -> tuple[list[dict], bool]:
    """Return the candidate's best openings and whether they were computed live.

    Each item: ``{"opening": Opening, "score": Decimal, "breakdown": list, "is_excluded",
    "exclusion_reason"}``, best first, excluded last. Stored scores are used when there are
    any; otherwise the candidate is scored now against the active openings (nothing stored).
    """
    stored = list(
        FitScore.objects.filter(candidate_id=candidate_id)
        .select_related("opening__company")
        .order_by("is_excluded", "-score", "opening_id")[:limit]
    )
    if stored:
        return [
            {"opening": fs.opening, "score": fs.score, "breakdown": fs.breakdown, "is_excluded": fs.is_excluded,
             "exclusion_reason": fs.exclusion_reason}
            for fs in stored
        ], False
    from .scoring.services import candidate_openings_live

    live = candidate_openings_live(candidate_id, limit=limit)
    openings = Opening.objects.select_related("company").in_bulk([item["opening_id"] for item in live])
    return [{**item, "opening": openings[item["opening_id"]]} for item in live if item["opening_id"] in openings], True
