"""Research profiles: per-candidate aggregates of publications, recomputed in bulk.

:func:`research_profiles_refresh` is the one writer of ``ResearchProfile``. It works in
batches of :data:`BATCH_SIZE` candidates with a fixed number of queries per batch (the
counts aggregated in SQL, the titles read once for specialty inference, one bulk
upsert), never one query per candidate. Call it after anything that changes
authorships: an import, a merge, an admin edit:

* importers and the merge service call ``research_profiles_refresh(candidate_ids)`` (or
  ``research_profiles_refresh_on_commit(candidate_ids)`` inside their transaction);
* single admin edits are covered by :func:`connect_profile_signals` (to be called from
  ``TalentConfig.ready``): it collects the touched candidates and refreshes them once,
  after the transaction commits; bulk paths (``bulk_create`` sends no signals) and code
  inside :func:`talent.signals.side_effects_paused` add nothing.

Definitions (issue 3 item 6):

* ``total_papers``: all the candidate's publications, workshops and preprints included;
* ``tier1_papers`` / ``tier2_papers``: publications at a venue of that tier
  (``talent.venues.venue_tier``), workshops and preprints excluded;
* ``first_author_top_papers``: tier-1 publications with author position 1;
* ``papers_last_3_years`` / ``papers_last_5_years``: publications (any kind) whose year
  is within the last N calendar years counting the current one
  (``year > today.year - N``: in 2026, "last 3" is 2024-2026);
* ``latest_year``: the year of the newest publication;
* ``inferred_specialties``: ``[{"slug", "papers", "evidence": [str, ...]}, ...]``, most
  papers first, at most :data:`MAX_EVIDENCE` evidence lines each (newest papers first),
  from title keywords and telling venues of ``talent/data/specialties.json``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from ..models import Authorship, Candidate, ResearchProfile, Specialty
from ..signals import side_effects_are_paused
from ..venues import TIER_STRONG, tier_paper_q, top_tier_paper_q

#: Candidates per batch. Each batch costs 3 queries plus the upsert (1 on PostgreSQL,
#: ceil(rows / 99) on SQLite, whose driver limit is 999 parameters per statement).
#: Measured by bench/profile_refresh.py: 10,000 candidates x 3 papers refresh in ~2.0 s on
#: PostgreSQL 15 and ~1.8 s on SQLite (about 5,000 profiles/s, mostly Python-side title
#: matching and JSON), so one batch holds a transaction for ~0.4 s.
BATCH_SIZE = 2000
#: Evidence lines kept per inferred specialty.
MAX_EVIDENCE = 3

_PROFILE_FIELDS = [
    "total_papers", "tier1_papers", "tier2_papers", "first_author_top_papers",
    "papers_last_3_years", "papers_last_5_years", "latest_year", "inferred_specialties", "updated_at",
]
_HYPHENS_RE = re.compile(r"[\u2010-\u2015\u2212]")


# --- specialty inference ---------------------------------------------------------------


def _keyword_pattern(keyword: str) -> str:
    """Regex of one keyword: whole words; ``foo*`` matches any ending, ``foo`` also ``foos``/``fooes``."""
    keyword = keyword.strip().lower()
    if keyword.endswith("*"):
        return re.escape(keyword[:-1]) + r"[\w-]*"
    return re.escape(keyword) + r"(?:s|es)?"


@dataclass(frozen=True)
class SpecialtyMatcher:
    """Infers specialties from a paper's title and venue.

    ``keywords`` is ``[(slug, compiled regex)]`` from ``Specialty.keywords`` (matched on
    word boundaries, so "rl" does not match inside "world"); ``venues`` maps a venue
    acronym to the slugs it says on its own (CoRL says robot-learning and robotics);
    ``excludes`` maps a slug to phrases blanked out of the title before its keywords are
    tried ("part-of-speech" is not speech).
    """

    keywords: tuple[tuple[str, re.Pattern[str]], ...]
    venues: dict[str, tuple[str, ...]]
    excludes: dict[str, re.Pattern[str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> SpecialtyMatcher:
        """Keywords from the ``Specialty`` table (one query), venue hints from ``specialties.json``."""
        from .reference import specialty_rows

        keywords = []
        for slug, words in Specialty.objects.order_by("slug").values_list("slug", "keywords"):
            words = [w for w in (words or []) if isinstance(w, str) and w.strip()]
            if words:
                alternation = "|".join(_keyword_pattern(w) for w in sorted(words, key=len, reverse=True))
                keywords.append((slug, re.compile(rf"(?<!\w)({alternation})(?!\w)")))
        known = {slug for slug, _ in keywords}
        venues: dict[str, list[str]] = {}
        excludes: dict[str, re.Pattern[str]] = {}
        for item in specialty_rows():
            if item["slug"] in known:
                for acronym in item.get("venues", []):
                    venues.setdefault(acronym, []).append(item["slug"])
                if item.get("exclude"):
                    alternation = "|".join(re.escape(p.lower()) for p in item["exclude"])
                    excludes[item["slug"]] = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
        return cls(tuple(keywords), {k: tuple(v) for k, v in venues.items()}, excludes)

    def match(self, title: str, venue_acronym: str | None) -> list[tuple[str, str]]:
        """Return ``[(slug, reason)]`` for one paper; reason is ``"matched 'x'"`` or ``"venue X"``."""
        text = _HYPHENS_RE.sub("-", (title or "").lower())
        found: list[tuple[str, str]] = []
        seen: set[str] = set()
        for slug, pattern in self.keywords:
            exclude = self.excludes.get(slug)
            m = pattern.search(exclude.sub(" ", text) if exclude else text)
            if m:
                found.append((slug, f"matched '{m.group(1)}'"))
                seen.add(slug)
        for slug in self.venues.get(venue_acronym or "", ()):
            if slug not in seen:
                found.append((slug, f"venue {venue_acronym}"))
        return found


def _specialties_of(papers: list[tuple[str, int, str, str | None]], matcher: SpecialtyMatcher,
                    cache: dict[tuple[str, str | None], list[tuple[str, str]]]) -> list[dict]:
    """``papers``: ``(title, year, venue label, venue acronym)`` newest first."""
    by_slug: dict[str, dict] = {}
    for title, year, label, acronym in papers:
        key = (title, acronym)
        matches = cache.get(key)
        if matches is None:
            matches = cache[key] = matcher.match(title, acronym)
        for slug, reason in matches:
            entry = by_slug.setdefault(slug, {"slug": slug, "papers": 0, "evidence": []})
            entry["papers"] += 1
            if len(entry["evidence"]) < MAX_EVIDENCE:
                entry["evidence"].append(f"{label} {year}: {title} ({reason})".strip())
    return sorted(by_slug.values(), key=lambda e: (-e["papers"], e["slug"]))


# --- the refresh -----------------------------------------------------------------------


def _batches(candidate_ids: Iterable[int] | None) -> Iterator[list[int]]:
    if candidate_ids is None:
        last = 0
        while True:
            batch = list(
                Candidate.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]
            )
            if not batch:
                return
            yield batch
            last = batch[-1]
    else:
        ids = sorted({int(i) for i in candidate_ids})
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start:start + BATCH_SIZE]
            yield list(Candidate.objects.filter(pk__in=chunk).order_by("pk").values_list("pk", flat=True))


def _refresh_batch(batch: list[int], today: date, matcher: SpecialtyMatcher,
                   cache: dict[tuple[str, str | None], list[tuple[str, str]]]) -> int:
    if not batch:
        return 0
    tier1 = top_tier_paper_q()
    tier2 = tier_paper_q(TIER_STRONG)
    rows = (
        Authorship.objects.filter(candidate_id__in=batch)
        .values("candidate_id")
        .annotate(
            total=Count("id"),
            tier1=Count("id", filter=tier1),
            tier2=Count("id", filter=tier2),
            first_top=Count("id", filter=tier1 & Q(position=1)),
            last3=Count("id", filter=Q(publication__year__gt=today.year - 3)),
            last5=Count("id", filter=Q(publication__year__gt=today.year - 5)),
            latest=Max("publication__year"),
        )
        .order_by()
    )
    aggregates = {row["candidate_id"]: row for row in rows}
    papers: dict[int, list[tuple[str, int, str, str | None]]] = {}
    for cid, title, year, acronym, raw in (
        Authorship.objects.filter(candidate_id__in=batch)
        .order_by("candidate_id", "-publication__year", "publication_id")
        .values_list("candidate_id", "publication__title", "publication__year",
                     "publication__venue__acronym", "publication__venue_raw")
    ):
        papers.setdefault(cid, []).append((title, year, acronym or raw or "", acronym))
    now = timezone.now()
    profiles = []
    for cid in batch:
        agg = aggregates.get(cid, {})
        profiles.append(ResearchProfile(
            candidate_id=cid,
            total_papers=agg.get("total", 0),
            tier1_papers=agg.get("tier1", 0),
            tier2_papers=agg.get("tier2", 0),
            first_author_top_papers=agg.get("first_top", 0),
            papers_last_3_years=agg.get("last3", 0),
            papers_last_5_years=agg.get("last5", 0),
            latest_year=agg.get("latest"),
            inferred_specialties=_specialties_of(papers.get(cid, []), matcher, cache),
            updated_at=now,
        ))
    ResearchProfile.objects.bulk_create(
        profiles, update_conflicts=True, unique_fields=["candidate"], update_fields=_PROFILE_FIELDS,
    )
    return len(profiles)


def research_profiles_refresh(
    candidate_ids: Iterable[int] | None = None, *, today: date | None = None, progress=None,
) -> int:
    """Recompute the ``ResearchProfile`` of the given candidates (all when ``None``).

    Args:
        candidate_ids: candidate primary keys; unknown (e.g. deleted) ids are skipped.
        today: the date "last 3/5 years" count back from; defaults to the local date.
        progress: optional callable receiving the number of candidates done per batch
            (the command passes a tqdm bar's ``update``).

    Returns:
        The number of profiles written (a candidate without papers gets a zero profile).

    Queries: per batch of :data:`BATCH_SIZE` candidates, one to list them, one
    aggregation, one read of titles, one bulk upsert (``INSERT .. ON CONFLICT DO UPDATE``)
    plus one to load the specialty keywords per call. Idempotent: the same authorships
    give the same rows. Each batch commits on its own (a crash leaves earlier batches
    refreshed and later ones stale, never half-written).
    """
    today = today or timezone.localdate()
    matcher = SpecialtyMatcher.load()
    cache: dict[tuple[str, str | None], list[tuple[str, str]]] = {}
    written = 0
    for batch in _batches(candidate_ids):
        with transaction.atomic():
            written += _refresh_batch(batch, today, matcher, cache)
        if progress is not None:
            progress(len(batch))
    return written


def research_profiles_refresh_on_commit(candidate_ids: Iterable[int]) -> None:
    """Refresh the profiles of ``candidate_ids`` once the current transaction commits.

    For importers and the merge service inside ``transaction.atomic``; ids given by
    several calls in one transaction are refreshed together by one refresh.
    """
    _pending_add(candidate_ids)


# --- keeping profiles current on single edits -----------------------------------------

_state = threading.local()


def _pending_add(candidate_ids: Iterable[int]) -> None:
    """Add ids to the set refreshed after the current transaction commits.

    One flush callback per transaction: if the registered one is gone (run, or dropped by
    a rollback), a new set and callback are made. In autocommit mode the flush runs at once.
    """
    ids = {int(i) for i in candidate_ids if i is not None}
    if not ids:
        return
    connection = transaction.get_connection()
    flush = getattr(_state, "flush", None)
    if flush is not None and connection.in_atomic_block and any(flush in entry for entry in connection.run_on_commit):
        _state.pending.update(ids)
        return
    _state.pending = pending = set(ids)

    def flush() -> None:
        if _state.pending is pending:
            _state.pending, _state.flush = set(), None
        research_profiles_refresh(pending)

    _state.flush = flush
    transaction.on_commit(flush)


def _on_authorship_change(sender, instance: Authorship, raw: bool = False, **kwargs) -> None:
    if raw or side_effects_are_paused():
        return
    _pending_add([instance.candidate_id])


def _on_publication_change(sender, instance, raw: bool = False, created: bool = False, **kwargs) -> None:
    if raw or created or side_effects_are_paused():
        return
    _pending_add(Authorship.objects.filter(publication_id=instance.pk).values_list("candidate_id", flat=True))


def connect_profile_signals() -> None:
    """Keep profiles current when an authorship or a publication is saved or deleted
    one at a time (the admin). Call once from ``TalentConfig.ready()``.

    Each change adds the candidate to a per-transaction set refreshed once after commit
    (in autocommit mode, at once). ``bulk_create``/``update()`` send no signals, fixtures
    (``raw``) are skipped, and so is everything inside :func:`talent.signals.side_effects_paused`.
    """
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_on_authorship_change, sender=Authorship, dispatch_uid="talent_profile_authorship_save")
    post_delete.connect(_on_authorship_change, sender=Authorship, dispatch_uid="talent_profile_authorship_delete")
    post_save.connect(_on_publication_change, sender=Authorship.publication.field.related_model,
                      dispatch_uid="talent_profile_publication_save")


def disconnect_profile_signals() -> None:
    """Undo :func:`connect_profile_signals` (tests)."""
    from django.db.models.signals import post_delete, post_save

    post_save.disconnect(sender=Authorship, dispatch_uid="talent_profile_authorship_save")
    post_delete.disconnect(sender=Authorship, dispatch_uid="talent_profile_authorship_delete")
    post_save.disconnect(sender=Authorship.publication.field.related_model, dispatch_uid="talent_profile_publication_save")
