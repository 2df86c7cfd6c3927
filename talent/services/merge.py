"""Merge duplicate candidates into one surviving candidate, keeping a record of it.

:func:`candidate_merge` moves **every** relation that points at a duplicate to the
survivor. It finds them by introspection (``Candidate._meta.get_fields``), so the
relations other apps add (crm's candidacies, activities and fit scores, compensation's
offers) move without ``talent`` importing those apps. Where a unique constraint would
clash (the survivor already has a row for the same thing) one row is kept:

* an authorship of the same publication: the survivor's is kept (the duplicate's
  corresponding-author flag and affiliation fill the survivor's blanks);
* a candidacy for the same opening: the apps above talent fold their own rows first,
  answering the ``talent.signals.candidate_merging`` signal (crm keeps the more advanced
  candidacy through its services and notes the merge in that candidacy's history), so no
  clash is left when the rows move;
* any other clash (fit scores for the same opening...): the duplicate's row is dropped
  (fit scores are recomputed by the scorer).

Every kept or dropped row is counted in ``CandidateMerge.moved`` and the duplicates'
fields are kept in ``CandidateMerge.snapshot``, in the same transaction. Blank fields of
the survivor are filled from the duplicates (first non-blank wins; nothing the survivor
has is overwritten). Historical tables (django-simple-history) keep their old ids: they
are history.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils.translation import gettext as _

from talent.errors import DomainError
from talent.models import Candidate, CandidateMerge, PossibleDuplicate
from talent.signals import candidate_merging

# Candidate fields never copied from a duplicate to the survivor.
_NOT_COPIED = {"id", "created_at", "updated_at", "name_key", "name_ends_key", "full_name"}


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if hasattr(o, "amount") and hasattr(o, "currency"):  # djmoney Money
            return {"amount": str(o.amount), "currency": str(o.currency)}
        if o.__class__.__name__ == "PhoneNumber":
            return str(o)
        return super().default(o)


def candidate_snapshot(candidate: Candidate) -> dict[str, Any]:
    """Return the candidate's concrete fields (and declared specialty ids) as JSON-ready data."""
    data: dict[str, Any] = {}
    for field in candidate._meta.concrete_fields:
        data[field.attname] = field.value_from_object(candidate)
    data["specialties"] = sorted(candidate.specialties.values_list("id", flat=True))
    return json.loads(json.dumps(data, cls=_Encoder))


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _unique_partners(model: type[models.Model], fk_name: str) -> list[list[str]]:
    """Return, per unique constraint on ``model`` that includes ``fk_name``, the other fields."""
    groups: list[list[str]] = []
    for constraint in model._meta.constraints:
        fields = list(getattr(constraint, "fields", ()) or ())
        if fk_name in fields and getattr(constraint, "condition", None) is None:
            groups.append([f for f in fields if f != fk_name])
    for together in model._meta.unique_together:
        if fk_name in together:
            groups.append([f for f in together if f != fk_name])
    return [g for g in groups if g]


def _move_relation(rel, survivor: Candidate, duplicate: Candidate, moved: dict[str, dict[str, int]],
                   notes: list[str]) -> None:
    model = rel.related_model
    fk = rel.field.name
    label = model._meta.label
    counts = moved.setdefault(rel.get_accessor_name() or label, {})
    for name in ("moved", "kept_survivor", "kept_duplicate", "dropped"):
        counts.setdefault(name, 0)
    manager = model._base_manager
    if rel.one_to_one:
        row = manager.filter(**{fk: duplicate}).first()
        if row is None:
            return
        if manager.filter(**{fk: survivor}).exists():
            row.delete()
            counts["dropped"] += 1
        else:
            manager.filter(pk=row.pk).update(**{fk: survivor})
            counts["moved"] += 1
        return
    partners = _unique_partners(model, fk)
    rows = manager.filter(**{fk: duplicate})
    if not partners:
        counts["moved"] += rows.update(**{fk: survivor})
        return
    for row in list(rows):
        clash = None
        for other_fields in partners:
            lookup = {f"{f}_id" if model._meta.get_field(f).is_relation else f: getattr(row, model._meta.get_field(f).attname)
                      for f in other_fields}
            clash = manager.filter(**{fk: survivor}, **lookup).first()
            if clash is not None:
                break
        if clash is None:
            manager.filter(pk=row.pk).update(**{fk: survivor})
            counts["moved"] += 1
            continue
        if label == "talent.Authorship":
            updates = {}
            if row.is_corresponding and not clash.is_corresponding:
                updates["is_corresponding"] = True
            if row.affiliation_raw and not clash.affiliation_raw:
                updates["affiliation_raw"] = row.affiliation_raw
            if row.position < clash.position:  # one person: their best position on the paper counts
                updates["position"] = row.position
            if updates:
                manager.filter(pk=clash.pk).update(**updates)
        notes.append(f"{label} {row.pk} dropped: the survivor already has {clash.pk}")
        row.delete()
        counts["dropped"] += 1


def _resolve_pairs(survivor: Candidate, duplicate_ids: set[int]) -> int:
    """Re-point open duplicate pairs of the merged records at the survivor; return pairs settled.

    Pairs among the merged records are settled by this merge (the ``CandidateMerge`` row
    records it) and go with the deleted duplicates; a pair of a duplicate with a third
    candidate becomes a pair of the survivor with that candidate (unless one exists).
    """
    ids = duplicate_ids | {survivor.id}
    settled = PossibleDuplicate.objects.filter(candidate_a_id__in=ids, candidate_b_id__in=ids).count()
    for pair in PossibleDuplicate.objects.filter(
            models.Q(candidate_a_id__in=duplicate_ids) | models.Q(candidate_b_id__in=duplicate_ids)).exclude(
            candidate_a_id__in=ids, candidate_b_id__in=ids):
        other = pair.candidate_b_id if pair.candidate_a_id in duplicate_ids else pair.candidate_a_id
        low, high = sorted((survivor.id, other))
        if PossibleDuplicate.objects.filter(candidate_a_id=low, candidate_b_id=high).exists():
            pair.delete()
        else:
            PossibleDuplicate.objects.filter(pk=pair.pk).update(candidate_a_id=low, candidate_b_id=high)
    return settled


@transaction.atomic
def candidate_merge(*, survivor: Candidate, duplicates: Iterable[Candidate], reason: str, actor=None) -> CandidateMerge:
    """Merge ``duplicates`` into ``survivor`` and return the :class:`CandidateMerge` record.

    Args:
        survivor: the candidate that stays (its non-blank fields are never overwritten).
        duplicates: candidates folded into it and then deleted (at least one).
        reason: why, in a recruiter's words (stored, shown in the admin).
        actor: the user merging, or None for an automatic merge.

    Raises:
        DomainError: no duplicates, the survivor among them, or an empty reason.
    """
    duplicates = [d for d in duplicates]
    if not duplicates:
        raise DomainError(_("Choose at least one duplicate to merge."))
    if any(d.pk == survivor.pk for d in duplicates):
        raise DomainError(_("A candidate cannot be merged into itself."))
    if not (reason or "").strip():
        raise DomainError(_("Say why these candidates are one person."), fields={"reason": [_("Required.")]})
    ids = [survivor.pk, *sorted({d.pk for d in duplicates})]
    locked = {c.pk: c for c in Candidate.objects.select_for_update().filter(pk__in=ids)}
    if len(locked) != len(ids):
        raise DomainError(_("A candidate to merge no longer exists."))
    survivor = locked[survivor.pk]
    dups = [locked[pk] for pk in ids[1:]]

    snapshot = {str(d.pk): candidate_snapshot(d) for d in dups}
    filled: list[str] = []
    for dup in dups:
        for field in Candidate._meta.concrete_fields:
            if field.name in _NOT_COPIED or field.primary_key:
                continue
            if _is_blank(field.value_from_object(survivor)) and not _is_blank(field.value_from_object(dup)):
                setattr(survivor, field.attname, field.value_from_object(dup))
                filled.append(field.name)
    if survivor.email:
        # the unique e-mail moves with the merge: free it on the duplicates first
        Candidate.objects.filter(pk__in=ids[1:]).update(email=None)
    if not survivor.native_name:
        native = next((d.native_name for d in dups if d.native_name), "")
        survivor.native_name = native

    moved: dict[str, dict[str, int]] = {}
    notes: list[str] = []
    for dup in dups:  # the apps above talent fold their clashing rows first (crm: candidacies)
        for _receiver, answer in candidate_merging.send(sender=Candidate, survivor=survivor, duplicate=dup,
                                                         actor=actor, reason=reason.strip()):
            for key, value in (answer or {}).items():
                if key == "notes":
                    notes.extend(value)
                    continue
                counts = moved.setdefault(key, {})
                for name, number in value.items():
                    counts[name] = counts.get(name, 0) + number
    for rel in Candidate._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        related_meta = rel.related_model._meta
        if related_meta.model_name.startswith("historical") or rel.related_model is PossibleDuplicate:
            continue
        for dup in dups:
            _move_relation(rel, survivor, dup, moved, notes)
    through = Candidate.specialties.through
    specialty_ids = set(through.objects.filter(candidate_id__in=ids[1:]).values_list("specialty_id", flat=True))
    survivor.specialties.add(*specialty_ids)
    moved["specialties"] = {"moved": len(specialty_ids)}
    moved["possible_duplicates_settled"] = {"moved": _resolve_pairs(survivor, set(ids[1:]))}
    moved["notes"] = notes  # type: ignore[assignment]
    moved["filled_fields"] = sorted(set(filled))  # type: ignore[assignment]

    Candidate.objects.filter(pk__in=ids[1:]).delete()
    survivor.save(update_fields=sorted(set(filled) | {"native_name", "updated_at"}))
    merge = CandidateMerge.objects.create(
        survivor=survivor, merged_ids=ids[1:], snapshot=snapshot, moved=moved, reason=reason.strip()[:500],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    from talent.services.profile import research_profiles_refresh

    research_profiles_refresh([survivor.pk])
    return merge
