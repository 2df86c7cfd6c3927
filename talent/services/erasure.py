"""Erasure, tombstones and export of one person's data (GDPR articles 15, 17 and 20).

* :func:`candidate_erase` removes a person's personal data from the candidate row, its
  edit history and every copy elsewhere (merge snapshots, import-run issues, possible
  duplicate pairs, papers linked to them, notes and activities about them, fit scores),
  keeps the anonymised pipeline figures (candidacies, stage changes, offers' amounts and
  placements stay, tied to a row that no longer says who it was), and leaves a
  **tombstone**: keyed one-way hashes of the person's normalised identifiers
  (:class:`~talent.models.ErasedIdentity`), so that a later import in any format
  recognises them and skips the row as erased (:func:`erased_rows`).
* :func:`candidate_export` returns everything held about one person as JSON-ready data,
  history included.

Identifiers hashed (:func:`identity_digests`): every e-mail as stored (lower case) and as a
mailbox (plus-tag dropped), every research id (DBLP, ORCID, OpenReview, Google Scholar,
LinkedIn) in its comparable form, and the folded name with each canonical affiliation
(current employer, paper affiliations). A name alone is never a tombstone: that would
block every namesake.

The hash is HMAC-SHA256 (:func:`django.utils.crypto.salted_hmac`) under
``TALENT_ERASURE_SECRET`` (default: derived from ``SECRET_KEY``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core import serializers
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from talent.affiliations import resolve_affiliations
from talent.conf import setting
from talent.errors import DomainError
from talent.models import (
    Authorship,
    Candidate,
    CandidateMerge,
    ErasedIdentity,
    ImportRun,
    PossibleDuplicate,
    ResearchProfile,
    normalise_email,
)

from .dedup import ID_FIELDS, normalise_id, strip_plus_tag
from .names import name_key

Kind = ErasedIdentity.Kind
_SALT = "talent.erasure.identity"

#: Candidate fields that identify or describe the person; blanked on erasure.
PERSONAL_FIELDS: tuple[str, ...] = (
    "native_name", "email", "phone", "city", "country", "country_as_written", "current_employer", "current_title",
    "phd_institution", "phd_year", "years_experience", "google_scholar_id", "openreview_id", "dblp_pid", "orcid",
    "github_url", "linkedin_url", "homepage_url", "current_compensation", "expected_compensation", "search_status",
    "notice_period_days", "preferred_cities", "consent_source", "notice_channel", "highest_degree",
)


def _digest(kind: str, value: str) -> str:
    secret = setting("TALENT_ERASURE_SECRET") or None  # None: salted_hmac uses SECRET_KEY
    return salted_hmac(_SALT, f"{kind}:{value}", secret=secret, algorithm="sha256").hexdigest()


def identity_digests(
    *, emails: Iterable[str | None] = (), ids: dict[str, str] | None = None, name: str = "",
    affiliations: Iterable[str] = (),
) -> set[tuple[str, str]]:
    """Return the ``(kind, keyed hash)`` pairs that identify a person, as tombstones store them.

    Args:
        emails: E-mail addresses as written (normalised here).
        ids: Research ids by field name (``dblp_pid``, ``orcid``, ``openreview_id``,
            ``google_scholar_id``, ``linkedin_url``).
        name: The name as written (folded with :func:`talent.services.names.name_key`).
        affiliations: Organisations or affiliation texts (resolved to canonical names).
    """
    digests: set[tuple[str, str]] = set()
    for email in emails:
        normal = normalise_email(email)
        if normal and "@" in normal:
            digests.add((Kind.EMAIL, _digest(Kind.EMAIL, normal)))
            digests.add((Kind.MAILBOX, _digest(Kind.MAILBOX, strip_plus_tag(normal) or normal)))
    for field, value in (ids or {}).items():
        normal = normalise_id(field, value)
        if field in ID_FIELDS and normal:
            digests.add((Kind.RESEARCH_ID, _digest(Kind.RESEARCH_ID, f"{field}={normal}")))
    key = name_key(name)
    if key:
        for text in affiliations:
            for org in resolve_affiliations(text or "") or ([text.strip().casefold()] if (text or "").strip() else []):
                digests.add((Kind.NAME_AFFILIATION, _digest(Kind.NAME_AFFILIATION, f"{key}|{org.casefold()}")))
    return digests


def candidate_identity_digests(candidate: Candidate) -> set[tuple[str, str]]:
    """Return the tombstone hashes of a stored candidate (their e-mail, ids, name with affiliations)."""
    affiliations = {candidate.current_employer} | set(
        Authorship.objects.filter(candidate=candidate).exclude(affiliation_raw="")
        .values_list("affiliation_raw", flat=True))
    if candidate.current_company_id:
        affiliations.add(candidate.current_company.name)
    return identity_digests(
        emails=[candidate.email], ids={f: getattr(candidate, f) for f in ID_FIELDS}, name=candidate.full_name,
        affiliations=sorted(a for a in affiliations if a),
    )


def erased_rows(digest_sets: list[set[tuple[str, str]]]) -> list[bool]:
    """Tell, for each row's identity hashes, whether it is a person who was erased: one query.

    Importers call it with :func:`identity_digests` of each row before writing, and skip
    the rows it marks (reporting them as "erased").
    """
    wanted = {d for digests in digest_sets for d in digests}
    if not wanted:
        return [False] * len(digest_sets)
    known: set[tuple[str, str]] = set()
    by_kind: dict[str, list[str]] = {}
    for kind, digest in wanted:
        by_kind.setdefault(kind, []).append(digest)
    query = models.Q()
    for kind, digests in by_kind.items():
        query |= models.Q(kind=kind, digest__in=digests)
    known.update(ErasedIdentity.objects.filter(query).values_list("kind", "digest"))
    return [bool(digests & known) for digests in digest_sets]


@transaction.atomic
def candidate_erase(*, candidate: Candidate, actor: AbstractBaseUser | None) -> Candidate:
    """Erase a person's personal data, keep anonymised pipeline figures, and leave a tombstone.

    Idempotent: erasing an erased candidate changes nothing. The row stays (its id keeps
    candidacies, stage changes, offers and placements countable) with the name replaced by
    "Erased candidate #<id>", every field of :data:`PERSONAL_FIELDS` blanked, and
    ``erased_at``/``erased_by`` set. Removed: its edit history, authorships (the public
    papers stay, without them), career entries, research profile, declared specialties,
    fit scores, possible-duplicate pairs, the subject and body of activities about them,
    offer notes, its entries in merge snapshots and in import-run issues.

    Raises:
        DomainError: The candidate no longer exists.
    """
    locked = Candidate.objects.select_for_update().filter(pk=candidate.pk).first()
    if locked is None:
        raise DomainError(_("The candidate no longer exists."))
    if locked.erased_at is not None:
        return locked
    digests = candidate_identity_digests(locked)
    secrets_of = {locked.full_name, locked.native_name, locked.email or ""} - {""}
    ErasedIdentity.objects.bulk_create([ErasedIdentity(kind=k, digest=d) for k, d in sorted(digests)],
                                       ignore_conflicts=True)

    _scrub_copies(locked, secrets_of)
    for rel in Candidate._meta.get_fields():
        if not (rel.auto_created and not rel.concrete and rel.one_to_many):
            continue
        label = rel.related_model._meta.label
        if label in {"talent.Authorship", "talent.CareerEntry", "crm.FitScore"}:
            rel.related_model._base_manager.filter(**{rel.field.name: locked}).delete()
        elif label == "crm.Activity":
            rel.related_model._base_manager.filter(**{rel.field.name: locked}).update(
                subject=_("(erased)"), body="")
        elif label == "compensation.Offer":
            rel.related_model._base_manager.filter(**{rel.field.name: locked}).update(notes="")
            history = getattr(rel.related_model, "history", None)
            if history is not None:
                history.model.objects.filter(**{f"{rel.field.name}_id": locked.pk}).update(notes="")
    ResearchProfile.objects.filter(candidate=locked).delete()
    locked.specialties.clear()
    locked.history.all().delete()

    for name in PERSONAL_FIELDS:
        field = Candidate._meta.get_field(name)
        if name in ("current_compensation", "expected_compensation"):
            setattr(locked, name, None)
        elif field.null:
            setattr(locked, name, None)
        elif isinstance(field, models.JSONField):
            setattr(locked, name, [])
        else:
            setattr(locked, name, "" if not isinstance(field, models.BooleanField) else False)
    locked.full_name = _("Erased candidate #%(id)d") % {"id": locked.pk}
    locked.current_company = None
    locked.notice_sent_at = None
    locked.consent_at = None
    locked.erased_at = timezone.now()
    locked.erased_by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    locked.skip_history_when_saving = True  # the erased row leaves no copy of what it held
    locked.save()
    del locked.skip_history_when_saving
    locked.history.all().delete()
    return locked


def _scrub_copies(candidate: Candidate, secrets_of: set[str]) -> None:
    """Remove the person from merge snapshots, import-run issues and possible-duplicate pairs.

    An import run keeps its row accounting: an issue about the person keeps its row number
    and outcome, with the name and reason replaced.
    """
    PossibleDuplicate.objects.filter(models.Q(candidate_a=candidate) | models.Q(candidate_b=candidate)).delete()
    for merge in CandidateMerge.objects.filter(survivor=candidate):
        merge.snapshot = {key: {"erased": True} for key in merge.snapshot}
        merge.reason = _("(erased)")
        merge.save(update_fields=["snapshot", "reason"])
    text = Cast("issues", models.TextField())
    mention = models.Q(issues_text__contains=f'"candidate_id": {candidate.pk}')
    for secret in secrets_of:
        if len(secret) >= 3:
            mention |= models.Q(issues_text__icontains=secret)
    for run in ImportRun.objects.annotate(issues_text=text).filter(mention).iterator():
        changed = False
        for issue in run.issues or []:
            if isinstance(issue, dict) and _mentions(issue, candidate.pk, secrets_of):
                issue.update(name=_("(erased)"), reason=_("(erased)"), candidate_id=None)
                issue.pop("field_errors", None)
                changed = True
        if changed:
            run.save(update_fields=["issues"])


def _mentions(issue: dict, candidate_id: int, secrets_of: set[str]) -> bool:
    """Whether an import-run issue is about the person (their id, or their name or e-mail in it)."""
    if issue.get("candidate_id") == candidate_id:
        return True
    text = json.dumps(issue, ensure_ascii=False).casefold()
    return any(secret.casefold() in text for secret in secrets_of if len(secret) >= 3)


def candidate_export(*, candidate: Candidate) -> dict[str, Any]:
    """Return everything held about one person as JSON-ready data (GDPR art. 15 and 20).

    Shape: ``{"candidate": {...fields}, "history": [...], "<relation>": [...rows], ...}``:
    the candidate's own fields, its edit history, and the rows of every model that points
    at it (found by introspection: authorships with their papers, career entries, the
    research profile, candidacies with their stage changes, activities, offers with their
    status changes, fit scores, placements), serialised with Django's serialiser.
    """
    def dump(rows) -> list[dict]:
        return [{"model": row["model"], "id": row["pk"], **row["fields"]}
                for row in serializers.serialize("python", rows)]

    data: dict[str, Any] = {"candidate": dump([candidate])[0], "history": dump(candidate.history.all())}
    for rel in Candidate._meta.get_fields():
        if not (rel.auto_created and not rel.concrete) or rel.many_to_many:
            continue
        model = rel.related_model
        if model._meta.model_name.startswith("historical") or model in (PossibleDuplicate, CandidateMerge):
            continue
        rows = list(model._base_manager.filter(**{rel.field.name: candidate}))
        if not rows:
            continue
        entry = dump(rows)
        for child in (r for r in model._meta.get_fields() if r.auto_created and not r.concrete and r.one_to_many):
            if child.related_model._meta.model_name.startswith("historical"):
                continue
            children = list(child.related_model._base_manager.filter(**{f"{child.field.name}__in": rows}))
            if children:
                entry.extend(dump(children))
        data[rel.get_accessor_name() or model._meta.label] = entry
    data["publications"] = dump(Authorship.publication.field.related_model.objects.filter(
        authorships__candidate=candidate).distinct())
    data["specialties"] = sorted(candidate.specialties.values_list("slug", flat=True))
    data["merges"] = dump(CandidateMerge.objects.filter(survivor=candidate))
    return json.loads(json.dumps(data, default=str))
