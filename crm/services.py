"""Services of the crm app: every write to candidacies, activities, placements, openings and
companies (stage moves are :mod:`crm.pipeline`'s).

Each service is keyword-only, owns its transaction, locks the row it decides on where two
writers could race (``select_for_update``, re-read), raises a typed
:class:`~talent.errors.DomainError` a recruiter or a partner can read, records who did it
in the same transaction, and schedules what follows (rescoring) after commit. The admin,
bulk actions, the partner API and the demo all call these; none writes these models
directly.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from talent.errors import DomainError
from talent.models import Candidate
from talent.money import minor_unit_exponent

from .conf import setting
from .models import Activity, Candidacy, Company, Opening, OpeningRequirement, Placement, StageChange
from .pipeline import stage_rank
from .scoring.schedule import rescore_after_commit

Stage = Candidacy.Stage

#: Opening statuses that take new candidacies (a filled or closed opening does not).
OPENING_STATUSES_TAKING_CANDIDATES: frozenset[str] = frozenset(
    {Opening.Status.DRAFT, Opening.Status.OPEN, Opening.Status.ON_HOLD})


def _user(actor: AbstractBaseUser | None) -> AbstractBaseUser | None:
    """The actor to record: an authenticated user, else ``None`` (the system)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- candidacies --------------------------------------------------------------------------


class DuplicateCandidacy(DomainError):
    """The candidate is already in this opening's pipeline; ``existing`` is that candidacy."""

    def __init__(self, existing: Candidacy) -> None:
        message = _("%(candidate)s is already in the pipeline of %(opening)s (candidacy #%(id)d, %(stage)s).") % {
            "candidate": existing.candidate, "opening": existing.opening, "id": existing.pk,
            "stage": Stage(existing.stage).label}
        super().__init__(message, fields={"candidate": [message]})
        self.existing = existing


class OffLimits(DomainError):
    """The candidate is off-limits for this opening and no override (with a reason) was given."""

    def __init__(self, reason: str) -> None:
        message = _("%(reason)s Add them anyway only with an override and a reason.") % {"reason": reason}
        super().__init__(message, fields={"candidate": [message]})
        self.reason = reason


def off_limits_reason(candidate: Candidate, opening: Opening) -> str:
    """Return why ``candidate`` is off-limits for ``opening``, or ``""`` when they are not.

    The rule (the firm's "hands-off" agreements; fit scoring applies the same rule to
    arrays in :mod:`crm.scoring.kernel`): a candidate employed by the opening's own company
    (the client's people are not placed back with it), or by a company marked off-limits
    (a client whose employees we must not approach for other clients).
    """
    company = candidate.current_company
    if company is None:
        return ""
    if company.pk == opening.company_id:
        return _("%(candidate)s works at %(company)s, the client of this opening.") % {
            "candidate": candidate, "company": company}
    if company.is_off_limits:
        return _("%(candidate)s works at %(company)s, which is off-limits.") % {
            "candidate": candidate, "company": company}
    return ""


def candidacy_create_check(
    *, candidate: Candidate, opening: Opening, off_limits_override_reason: str = ""
) -> tuple[str, str]:
    """Check that ``candidate`` may be added to ``opening``'s pipeline; write nothing.

    :func:`candidacy_create` runs it; forms run it too, to show its errors next to their
    fields. Returns ``(off-limits reason or "", the override reason stripped)``.

    Raises:
        DuplicateCandidacy, OffLimits, DomainError: As :func:`candidacy_create`.
    """
    existing = Candidacy.objects.select_related("candidate", "opening__company").filter(
        candidate=candidate, opening=opening).first()
    if existing is not None:
        raise DuplicateCandidacy(existing)
    if opening.status not in OPENING_STATUSES_TAKING_CANDIDATES:
        message = _("%(opening)s is %(status)s and takes no new candidates.") % {
            "opening": opening, "status": Opening.Status(opening.status).label}
        raise DomainError(message, fields={"opening": [message]})
    if candidate.erased_at is not None:
        message = _("This person's data was erased: they cannot be put into a pipeline.")
        raise DomainError(message, fields={"candidate": [message]})
    if candidate.consent_status in Candidate.CONSENT_DECLINED:
        message = _("%(candidate)s has %(consent)s consent: they cannot be put into a pipeline.") % {
            "candidate": candidate, "consent": Candidate.Consent(candidate.consent_status).label.lower()}
        raise DomainError(message, fields={"candidate": [message]})
    reason = off_limits_reason(candidate, opening)
    override = (off_limits_override_reason or "").strip()
    if reason and not override:
        raise OffLimits(reason)
    return reason, override


@transaction.atomic
def candidacy_create(
    *,
    candidate: Candidate,
    opening: Opening,
    actor: AbstractBaseUser | None = None,
    owner: AbstractBaseUser | None = None,
    submitted_by=None,
    note: str = "",
    off_limits_override_reason: str = "",
) -> Candidacy:
    """Add ``candidate`` to ``opening``'s pipeline, at ``sourced``: the single entry point.

    The admin's add form, the bulk "add to opening" actions, the partner API's
    submissions and the demo all come here. The creation is recorded as the candidacy's
    first :class:`~crm.models.StageChange` (from nothing to ``sourced``, who, when, the
    note and any off-limits override), and the pair is rescored after commit so that its
    fit score is stored whatever its rank.

    Args:
        owner: The recruiter who owns the candidacy (default: ``actor``).
        submitted_by: The partner (``crm.Partner``) that submitted the candidate, if any.
        note: Free text kept on the first stage change.
        off_limits_override_reason: Add an off-limits candidate anyway; the reason is kept
            on the candidacy and in its history. Ignored when the candidate is not off-limits.

    Returns:
        The new candidacy.

    Raises:
        DuplicateCandidacy: The candidate already has a candidacy for this opening (also
            when another request created it a moment ago: the unique constraint is caught
            and the existing row named, never an ``IntegrityError``).
        OffLimits: The candidate is off-limits (:func:`off_limits_reason`) and no override
            reason was given.
        DomainError: The opening is filled or closed, or the candidate refused or withdrew consent.
    """
    actor = _user(actor)
    reason, override = candidacy_create_check(candidate=candidate, opening=opening,
                                              off_limits_override_reason=off_limits_override_reason)
    now = timezone.now()
    candidacy = Candidacy(
        candidate=candidate, opening=opening, stage=Stage.SOURCED, stage_changed_at=now,
        owner=owner if owner is not None else actor, submitted_by=submitted_by,
        off_limits_override_reason=override[:300] if reason else "",
    )
    candidacy._history_user = actor
    try:
        with transaction.atomic():  # a savepoint: a concurrent insert of the same pair fails alone
            candidacy.save()
    except IntegrityError:
        existing = Candidacy.objects.select_related("candidate", "opening__company").filter(
            candidate=candidate, opening=opening).first()
        if existing is None:
            raise
        raise DuplicateCandidacy(existing) from None
    lines = [_("Added to the pipeline.")]
    if note.strip():
        lines.append(note.strip())
    if reason:
        lines.append(_("Off-limits (%(reason)s) overridden: %(override)s") % {"reason": reason, "override": override})
    StageChange.objects.create(candidacy=candidacy, from_stage="", to_stage=Stage.SOURCED, changed_at=now,
                               changed_by=actor, note="\n".join(lines))
    rescore_after_commit("candidate", candidate.pk)
    return candidacy


@transaction.atomic
def candidacy_assign(*, candidacy: Candidacy, owner: AbstractBaseUser | None, actor: AbstractBaseUser | None) -> Candidacy:
    """Make ``owner`` (a recruiter, or ``None``) the owner of ``candidacy``; the change is kept in its history.

    Returns:
        The candidacy as stored (unchanged when ``owner`` already owns it).
    """
    locked = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    if locked.owner_id == (owner.pk if owner is not None else None):
        return locked
    locked.owner = owner
    locked._history_user = _user(actor)
    locked.save(update_fields=["owner", "updated_at"])
    return locked


def candidacies_fold(*, survivor: Candidate, duplicate: Candidate, actor=None, reason: str = "") -> dict[str, Any]:
    """Fold ``duplicate``'s candidacies into ``survivor``'s where both are in one opening (a merge).

    Called inside :func:`talent.services.merge.candidate_merge`'s transaction (through the
    ``candidate_merging`` signal), before the duplicate's rows move to the survivor. For
    each opening in both pipelines the **more advanced** candidacy is kept
    (:func:`crm.pipeline.stage_rank`; rejected or withdrawn count as least advanced, ties
    keep the survivor's), the other's stage changes, activities, offers and other rows
    move to it, the other is deleted, and the kept candidacy gets a note (an
    :class:`~crm.models.Activity` by ``actor``) saying what was folded in, so its history
    says so. A kept candidacy of the duplicate moves to the survivor with the rest.

    Returns:
        ``{"candidacies": {"kept_survivor": n, "kept_duplicate": n}, "notes": [str, ...]}``.
    """
    actor = _user(actor)
    counts = {"kept_survivor": 0, "kept_duplicate": 0}
    notes: list[str] = []
    mine = {c.opening_id: c for c in Candidacy.objects.select_for_update().filter(candidate=survivor)}
    for theirs in Candidacy.objects.select_for_update().filter(candidate=duplicate, opening_id__in=list(mine)):
        ours = mine[theirs.opening_id]
        keep, drop = (theirs, ours) if stage_rank(theirs.stage) > stage_rank(ours.stage) else (ours, theirs)
        counts["kept_duplicate" if keep is theirs else "kept_survivor"] += 1
        moved = _repoint_children(drop, keep)
        text = _("Candidacy #%(drop)d (%(drop_stage)s) of the duplicate record #%(dup)d was merged into this one "
                 "(#%(keep)d, %(keep_stage)s, the more advanced); %(moved)d history rows moved here.") % {
            "drop": drop.pk, "drop_stage": Stage(drop.stage).label, "dup": duplicate.pk, "keep": keep.pk,
            "keep_stage": Stage(keep.stage).label, "moved": moved}
        if reason:
            text = f"{text} {_('Reason for the merge:')} {reason}"
        notes.append(text)
        drop.delete()
        Activity.objects.create(candidate=keep.candidate, candidacy=keep, kind=Activity.Kind.NOTE,
                                subject=_("Duplicate candidacy merged"), body=text, created_by=actor)
    return {"candidacies": counts, "notes": notes}


def _repoint_children(loser: models.Model, winner: models.Model) -> int:
    """Point every row that references ``loser`` (a candidacy) at ``winner``; return how many moved.

    Found by introspection, so offers (compensation, an app above crm) move without an
    import. A one-to-one row (a placement) moves only when ``winner`` has none.
    """
    moved = 0
    for rel in loser._meta.related_objects:
        if rel.many_to_many or rel.related_model._meta.model_name.startswith("historical"):
            continue
        manager = rel.related_model._base_manager
        rows = manager.filter(**{rel.field.name: loser})
        if rel.one_to_one and manager.filter(**{rel.field.name: winner}).exists():
            continue
        moved += rows.update(**{rel.field.name: winner})
    return moved


# --- activities and follow-ups ---------------------------------------------------------------


@transaction.atomic
def activity_log(
    *,
    actor: AbstractBaseUser | None,
    kind: str,
    subject: str,
    candidate: Candidate | None = None,
    candidacy: Candidacy | None = None,
    body: str = "",
    occurred_at: datetime | None = None,
    due_at: datetime | None = None,
) -> Activity:
    """Log a call, e-mail, meeting, interview or note, or a follow-up task with a due date.

    The author (``created_by``) is ``actor``, the logged-in user; nobody types it in.

    Args:
        kind: An ``Activity.Kind`` value; ``task`` (a follow-up) needs ``due_at``.
        candidate: Whom it is about; taken from ``candidacy`` when only that is given.
        candidacy: The pipeline entry it belongs to, if any (must be the candidate's).
        occurred_at: When it happened (aware; default now).
        due_at: When a follow-up is due (aware).

    Raises:
        DomainError: Unknown kind, blank subject, no candidate, a candidacy of another
            candidate, a follow-up without a due date, or a naive datetime.
    """
    if kind not in Activity.Kind.values:
        raise DomainError(_("Unknown activity kind: %(kind)s.") % {"kind": kind}, fields={"kind": [_("Unknown kind.")]})
    if not (subject or "").strip():
        raise DomainError(_("Give the activity a subject."), fields={"subject": [_("Required.")]})
    if candidacy is not None:
        if candidate is not None and candidacy.candidate_id != candidate.pk:
            message = _("The candidacy belongs to another candidate.")
            raise DomainError(message, fields={"candidacy": [message]})
        candidate = candidacy.candidate
    if candidate is None:
        raise DomainError(_("Say which candidate the activity is about."), fields={"candidate": [_("Required.")]})
    if kind == Activity.Kind.TASK and due_at is None:
        raise DomainError(_("A follow-up needs a due date."), fields={"due_at": [_("Required for a follow-up.")]})
    for name, value in (("occurred_at", occurred_at), ("due_at", due_at)):
        if value is not None and timezone.is_naive(value):
            raise DomainError(_("Give the time with its time zone."), fields={name: [_("Naive datetime.")]})
    activity = Activity(candidate=candidate, candidacy=candidacy, kind=kind, subject=subject.strip()[:200],
                        body=body or "", occurred_at=occurred_at or timezone.now(), due_at=due_at,
                        created_by=_user(actor))
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, actor: AbstractBaseUser | None, **changes: Any) -> Activity:
    """Correct an activity's ``subject``, ``body``, ``occurred_at`` or ``due_at`` (not its author).

    Raises:
        TypeError: Another field is given.
        DomainError: A blank subject, removing the due date of a follow-up, or a naive datetime.
    """
    allowed = {"subject", "body", "occurred_at", "due_at"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"activity_update cannot change {sorted(unknown)}")
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if "subject" in changes and not (changes["subject"] or "").strip():
        raise DomainError(_("Give the activity a subject."), fields={"subject": [_("Required.")]})
    if locked.kind == Activity.Kind.TASK and "due_at" in changes and changes["due_at"] is None:
        raise DomainError(_("A follow-up needs a due date."), fields={"due_at": [_("Required for a follow-up.")]})
    for name in ("occurred_at", "due_at"):
        if changes.get(name) is not None and timezone.is_naive(changes[name]):
            raise DomainError(_("Give the time with its time zone."), fields={name: [_("Naive datetime.")]})
    for name, value in changes.items():
        setattr(locked, name, value.strip() if name == "subject" else value)
    locked.full_clean()
    if changes:
        locked.save(update_fields=sorted(changes))
    return locked


@transaction.atomic
def follow_up_complete(*, activity: Activity, actor: AbstractBaseUser | None) -> Activity:
    """Mark a follow-up done by ``actor``, now; return it.

    Idempotent: a follow-up already done is returned unchanged (who and when stay the
    first completion's), so a double click or a retried request changes nothing twice.

    Raises:
        DomainError: The activity has no due date (it is not a follow-up).
    """
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.due_at is None:
        raise DomainError(_("Only a follow-up (an activity with a due date) can be marked done."))
    if locked.completed_at is not None:
        return locked
    locked.completed_at = timezone.now()
    locked.completed_by = _user(actor)
    locked.save(update_fields=["completed_at", "completed_by"])
    return locked


# --- placements --------------------------------------------------------------------------------


def placement_fee(*, year1_cash: Money, fee_percent: Decimal) -> Money:
    """Return the fee of a placement: ``fee_percent`` % of the hire's year-1 cash, rounded once.

    The one home of the fee rule. ``year1_cash`` is the figure of that name in
    :func:`compensation.valuation.year1_cash` (base + target bonus + sign-on + relocation,
    year 1, in the offer's currency); executive-search contracts bill a percentage of the
    first year's cash compensation. Rounded half-up to the currency's minor unit (2 places
    for CNY, 0 for JPY). Example: 25 % of 2,300,000.00 CNY = 575,000.00 CNY.
    """
    exponent = minor_unit_exponent(year1_cash.currency.code)
    amount = (year1_cash.amount * Decimal(fee_percent) / Decimal(100)).quantize(
        Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_UP)
    return Money(amount, year1_cash.currency.code)


class DuplicatePlacement(DomainError):
    """The candidacy already has a placement; ``existing`` is it."""

    def __init__(self, existing: Placement) -> None:
        message = _("This candidacy already has a placement (#%(id)d, starting %(start)s).") % {
            "id": existing.pk, "start": existing.start_on.isoformat()}
        super().__init__(message, fields={"candidacy": [message]})
        self.existing = existing


@transaction.atomic
def placement_create(
    *,
    candidacy: Candidacy,
    year1_cash: Money,
    start_on: date,
    actor: AbstractBaseUser | None = None,
    invoice_status: str = Placement.InvoiceStatus.NOT_INVOICED,
) -> Placement:
    """Record the placement of a placed candidacy: start date, year-1 cash, fee, guarantee.

    Usually called by :func:`compensation.services.offer_placement_create` with the
    accepted offer's :func:`~compensation.valuation.year1_cash`. The fee is
    :func:`placement_fee` with the opening's ``fee_percent``; the guarantee ends
    ``CRM_PLACEMENT_GUARANTEE_DAYS`` (90 by default) after the start date.

    Args:
        year1_cash: The hire's year-1 cash (annual, the offer's currency), ``Money`` made
            through :func:`talent.money.parse_money` or the valuation.
        start_on: The first working day.

    Raises:
        DomainError: The candidacy is not placed, or the amount is negative.
        DuplicatePlacement: The candidacy already has one.
    """
    locked = Candidacy.objects.select_for_update().select_related("opening").get(pk=candidacy.pk)
    if locked.stage != Stage.PLACED:
        message = _("A placement is recorded once the candidacy is placed; this one is %(stage)s.") % {
            "stage": Stage(locked.stage).label}
        raise DomainError(message, fields={"candidacy": [message]})
    existing = Placement.objects.filter(candidacy=locked).first()
    if existing is not None:
        raise DuplicatePlacement(existing)
    if year1_cash.amount < 0:
        raise DomainError(_("Year-1 cash must not be negative."), fields={"year1_cash": [_("Negative.")]})
    placement = Placement(
        candidacy=locked, start_on=start_on, year1_cash=year1_cash,
        fee=placement_fee(year1_cash=year1_cash, fee_percent=locked.opening.fee_percent),
        invoice_status=invoice_status,
        guarantee_ends_on=start_on + timedelta(days=int(setting("CRM_PLACEMENT_GUARANTEE_DAYS"))),
        created_by=_user(actor),
    )
    placement.full_clean()
    placement._history_user = _user(actor)
    placement.save()
    return placement


@transaction.atomic
def placement_update(*, placement: Placement, actor: AbstractBaseUser | None = None, **changes: Any) -> Placement:
    """Change a placement's invoice status, start date or guarantee end (the fee follows the rule).

    Args:
        changes: Any of ``invoice_status``, ``start_on``, ``guarantee_ends_on``. A new
            ``start_on`` without a ``guarantee_ends_on`` moves the guarantee end with it.

    Raises:
        TypeError: Another field is given (the fee and year-1 cash come from the offer).
        ValidationError: An invalid value.
    """
    allowed = {"invoice_status", "start_on", "guarantee_ends_on"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"placement_update cannot change {sorted(unknown)}")
    locked = Placement.objects.select_for_update().get(pk=placement.pk)
    if "start_on" in changes and "guarantee_ends_on" not in changes and changes["start_on"] != locked.start_on:
        changes["guarantee_ends_on"] = changes["start_on"] + timedelta(days=int(setting("CRM_PLACEMENT_GUARANTEE_DAYS")))
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked._history_user = _user(actor)
    locked.save(update_fields=sorted(changes))
    return locked


# --- openings and companies ----------------------------------------------------------------


@transaction.atomic
def opening_save(*, opening: Opening, actor: AbstractBaseUser | None = None) -> Opening:
    """Save a new or edited opening (validated with ``full_clean``) and rescore its ranking after commit.

    The edit is kept in the opening's history with ``actor`` (django-simple-history).
    Requirements are saved with :func:`opening_requirement_save` /
    :func:`opening_requirements_changed`.

    Raises:
        ValidationError: An invalid field (band min above max, unknown score weights, ...).
    """
    opening.full_clean()
    opening._history_user = _user(actor)
    opening.save()
    _opening_rescore(opening)
    return opening


def _opening_rescore(opening: Opening) -> None:
    from .scoring import setting as scoring_setting

    if opening.status in scoring_setting("CRM_SCORING_OPENING_STATUSES"):
        rescore_after_commit("opening", opening.pk)


@transaction.atomic
def opening_requirement_save(*, requirement: OpeningRequirement, actor: AbstractBaseUser | None = None) -> OpeningRequirement:
    """Save one requirement of an opening (validated) and rescore the opening after commit.

    Raises:
        ValidationError: An invalid weight, or a second requirement for the same specialty.
    """
    requirement.full_clean()
    requirement.save()
    opening_requirements_changed(opening=requirement.opening)
    return requirement


@transaction.atomic
def opening_requirement_delete(*, requirement: OpeningRequirement, actor: AbstractBaseUser | None = None) -> None:
    """Delete one requirement of an opening and rescore the opening after commit."""
    opening = requirement.opening
    requirement.delete()
    opening_requirements_changed(opening=opening)


def opening_requirements_changed(*, opening: Opening) -> None:
    """Schedule the opening's rescore after its requirements were saved together (an admin inline)."""
    _opening_rescore(opening)


@transaction.atomic
def company_save(*, company: Company, actor: AbstractBaseUser | None = None) -> Company:
    """Save a new or edited company; when its off-limits flag changes, rescore its employees after commit.

    Raises:
        ValidationError: An invalid field (a name another company has, ignoring case, ...).
    """
    before = None
    if company.pk is not None:
        before = Company.objects.select_for_update().filter(pk=company.pk).values_list("is_off_limits", flat=True).first()
    company.full_clean()
    company.save()
    if before is not None and before != company.is_off_limits:
        rescore_after_commit("company", company.pk)
    return company

