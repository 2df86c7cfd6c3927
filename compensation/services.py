"""Every change to an offer: create, update a draft, and the status moves.

Statuses (``Offer.TRANSITIONS``)::

    draft ──extend──> extended ──accept──> accepted
      │                  ├──decline──> declined
      │                  ├──expire───> expired   (deadline passed: offers_expire_overdue)
      └──withdraw──>  withdrawn <──withdraw──┘

Pipeline rule (decided here, issue 5): an offer tied to a candidacy moves the candidacy
on through :func:`crm.pipeline.candidacy_move_stage`, one recorded step at a time, in
the same transaction as the offer's change:

* **extend** brings the candidacy to ``offer``: from ``submitted`` it goes
  ``submitted -> interviewing -> offer``, from ``interviewing`` one step; a candidacy
  not yet submitted to the client cannot get an offer extended (the client has not seen
  the candidate), and a rejected or withdrawn one gets no offer at all;
* **accept** brings it on to ``placed`` (through ``offer`` if the offer was extended
  before the candidacy reached it); other draft or extended offers of the same
  candidacy are withdrawn (they are superseded versions);
* **decline**, **expire** and **withdraw** do not move the candidacy: the recruiter
  decides whether to negotiate again or withdraw the candidacy.

An offer from a non-client company (the competing big-tech offer) has no candidacy and
just changes status. Every money input goes through :func:`talent.money.parse_money`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from crm.models import Candidacy, Company, Placement
from crm.pipeline import ENDED_UNPLACED, candidacy_advance, stage_rank
from crm.services import placement_create
from talent.errors import DomainError
from talent.models import Candidate
from talent.money import minor_unit_exponent, parse_currency, parse_decimal, parse_money, round_money

from .models import Offer, OfferStatusChange
from .valuation import vesting_schedule_parse, year1_cash

Stage = Candidacy.Stage
Status = Offer.Status

#: Fields a caller may set on an offer (money ones parsed with parse_money).
TERM_FIELDS: tuple[str, ...] = (
    "title", "monthly_base", "months_per_year", "annual_base", "target_bonus", "target_bonus_percent",
    "sign_on", "relocation", "equity_kind", "rsu_grant_value", "rsu_shares", "share_price",
    "option_shares", "option_strike", "option_fair_value", "vesting_years", "cliff_months",
    "vesting_schedule", "deadline_on", "notes",
)
#: Terms that may still change once an offer is no longer a draft: the recruiter's notes.
#: Its other terms are revised by a new draft.
EDITABLE_PAST_DRAFT: frozenset[str] = frozenset({"notes"})
#: Terms that are plain decimals (2 places), parsed with parse_decimal.
DECIMAL_TERMS: tuple[str, ...] = ("months_per_year", "target_bonus_percent")
#: The money columns hold 2 decimals: no amount may have more (nor more than its currency's minor unit).
COLUMN_DECIMALS = 2


class IllegalOfferTransition(DomainError):
    """A status change ``Offer.TRANSITIONS`` does not allow; names both statuses."""

    def __init__(self, from_status: str, to_status: str) -> None:
        message = _("An offer cannot go from %(from)s to %(to)s.") % {
            "from": Status(from_status).label, "to": Status(to_status).label}
        super().__init__(message, fields={"status": [message]})
        self.from_status = from_status
        self.to_status = to_status


def offer_money_parse(amount: object, currency: object, *, field: str) -> Money:
    """Parse one amount of an offer, as every writer of offers must (services and forms alike).

    Args:
        amount: ``"1234.50"``, ``Decimal`` or ``int``; never a float, nor ``"1e5"``.
        currency: ISO 4217 code.

    Returns:
        ``Money`` with at most the currency's minor-unit decimals and the columns' 2.

    Raises:
        ValidationError: ``{field: [...]}``; see :func:`talent.money.parse_money`.
    """
    code = parse_currency(currency, field=field)
    return parse_money(amount, code, field=field, max_decimal_places=min(COLUMN_DECIMALS, minor_unit_exponent(code)))


def _terms(terms: dict[str, Any], currency: str | None) -> dict[str, Any]:
    """Validate caller terms: no unknown names, no floats; money as ``Money`` or amount + ``currency``.

    A float is refused for every term, before anything converts it. A ``Money`` built
    from a float (``Money(0.1, "CNY")``) cannot be told apart: py-moneyed turns the float
    into ``Decimal(str(0.1))``, so it arrives as ``Decimal("0.1")``. Its amount is still
    held to the currency's decimals, and the inputs (:func:`talent.money.parse_money`,
    the admin forms) refuse floats before any ``Money`` is made.
    """
    unknown = set(terms) - set(TERM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown offer fields: {sorted(unknown)}")
    clean: dict[str, Any] = {}
    for name, value in terms.items():
        if isinstance(value, float):
            raise ValidationError({name: [
                _("Give the amount as text or a decimal number, not a floating-point number.")]})
        if name in Offer.MONEY_FIELDS and value is not None:
            if isinstance(value, Money):
                amount, code = value.amount, value.currency.code
            elif currency is None:
                raise ValidationError({name: [_("Give the currency (ISO 4217 code) with the amount.")]})
            else:
                amount, code = value, currency
            value = offer_money_parse(amount, code, field=name)
        elif name in DECIMAL_TERMS and value is not None:
            value = parse_decimal(value, field=name, max_decimal_places=2)
        elif name == "vesting_schedule":
            value = vesting_schedule_parse(value, field=name)
        clean[name] = value
    return clean


def offer_create_check(*, candidate: Candidate, company: Company | None, candidacy: Candidacy | None) -> Candidacy | None:
    """Check that an offer from ``company`` to ``candidate`` may belong to ``candidacy``; write nothing.

    :func:`offer_create` runs it before saving; forms run it too, to show its errors next
    to their fields. A saved candidacy is read again from the database and its row
    locked (``SELECT ... FOR UPDATE``) until the caller's transaction ends, so the stage
    checked cannot change before the offer is saved, and a stale in-memory instance
    (another code path withdrew the candidacy) does not count. An unsaved candidacy (the
    one being added on the same page) is checked as given; so is an unsaved candidate.

    Returns:
        The candidacy as stored (``None`` without one).

    Raises:
        DomainError: The candidacy is rejected or withdrawn (``fields={"candidacy": [...]}``).
        ValidationError: ``{"candidacy": [...]}``: it belongs to another candidate, or its
            opening to another company.
    """
    if candidacy is None:
        return None
    if candidacy.pk is not None:
        with transaction.atomic():  # the lock needs a transaction; inside the caller's, it lasts until its end
            candidacy = (Candidacy.objects.select_for_update(of=("self",)).select_related("opening")
                         .get(pk=candidacy.pk))
    if candidacy.stage in ENDED_UNPLACED:
        message = _("No offer can be made on a candidacy that is %(stage)s.") % {"stage": Stage(candidacy.stage).label}
        raise DomainError(message, fields={"candidacy": [message]})
    if candidacy.candidate_id != candidate.pk:
        raise ValidationError({"candidacy": [_("The candidacy belongs to another candidate.")]})
    if company is not None and candidacy.opening_id is not None and candidacy.opening.company_id != company.pk:
        raise ValidationError({"candidacy": [_("The candidacy is for an opening at another company.")]})
    return candidacy


def offer_update_check(*, offer: Offer, names: Iterable[str]) -> None:
    """Check that the terms ``names`` of ``offer`` (as last read) may change; write nothing.

    Every term of a draft may change; past draft, only :data:`EDITABLE_PAST_DRAFT` (the
    recruiter's notes). :func:`offer_update` runs it on the locked row; forms run it to
    show the error.

    Raises:
        DomainError: The offer is no longer a draft and a term other than the notes changes.
    """
    if offer.status != Status.DRAFT and set(names) - EDITABLE_PAST_DRAFT:
        raise DomainError(_("Only a draft offer can be changed; make a new draft to revise it."))


@transaction.atomic
def offer_create(
    *, candidate: Candidate, company: Company, candidacy: Candidacy | None = None, currency: str | None = None,
    status: str = Status.DRAFT, actor: AbstractBaseUser | None = None, **terms: Any,
) -> Offer:
    """Create an offer, a draft by default.

    Args:
        candidate: Who receives it.
        company: Who makes it: a client, or a competitor (big tech) with ``candidacy=None``.
        candidacy: The pipeline entry it belongs to; not rejected or withdrawn.
        currency: ISO 4217 code for amounts given as ``str``/``Decimal``; ``Money`` values
            carry their own. All amounts of one offer must share one currency.
        status: ``draft``, or ``extended`` to record an offer the candidate already holds
            (a competing offer); an extended client offer moves the candidacy (see module doc).
        terms: Any of :data:`TERM_FIELDS`; money as ``Money`` or as a string amount; numbers
            as ``str``, ``Decimal`` or ``int``, never ``float`` (a ``Money`` made from a float
            cannot be detected: make money from strings, see :func:`_terms`); the vesting
            schedule as ints or strings, stored as such.

    Returns:
        The saved offer.

    Raises:
        ValidationError: A field error (float, negative amount, too many decimals, "¥",
            mixed currencies, impossible vesting schedule, ...), keyed by field.
        DomainError: The candidacy is rejected or withdrawn.
    """
    if status not in (Status.DRAFT, Status.EXTENDED):
        raise DomainError(_("A new offer is a draft or an extended offer."), fields={"status": [_("Draft or extended.")]})
    offer = Offer(candidate=candidate, company=company, candidacy=candidacy, status=Status.DRAFT, **_terms(terms, currency))
    offer.candidacy = offer_create_check(candidate=candidate, company=company, candidacy=candidacy)
    offer.full_clean()
    offer._history_user = _actor(actor)
    offer.save()
    OfferStatusChange.objects.create(offer=offer, from_status="", to_status=Status.DRAFT, changed_at=timezone.now(),
                                     changed_by=_actor(actor), note=_("Offer created."))
    if status == Status.EXTENDED:
        offer = offer_extend(offer=offer, actor=actor)
    return offer


@transaction.atomic
def offer_update(
    *, offer: Offer, currency: str | None = None, actor: AbstractBaseUser | None = None, **terms: Any
) -> Offer:
    """Change the terms of a draft offer, or the notes of any offer (an extended offer is revised by a new draft).

    Raises:
        DomainError: The offer is no longer a draft and a term other than ``notes`` is given.
        ValidationError: As for :func:`offer_create`.
    """
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    offer_update_check(offer=locked, names=terms)
    clean = _terms(terms, currency)
    for name, value in clean.items():
        setattr(locked, name, value)
    locked.full_clean()
    update_fields = ["updated_at"]
    for name in clean:
        update_fields.append(name)
        if name in Offer.MONEY_FIELDS:
            update_fields.append(f"{name}_currency")
    locked._history_user = _actor(actor)
    locked.save(update_fields=update_fields)
    return locked


def _lock(offer: Offer) -> Offer:
    return Offer.objects.select_for_update(of=("self",)).select_related("candidacy__opening", "company").get(pk=offer.pk)


def _actor(actor: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _set_status(offer: Offer, to_status: str, *, actor: AbstractBaseUser | None, note: str = "") -> Offer:
    """Move the locked ``offer`` to ``to_status`` and record the move (who, when, from, to)."""
    if to_status not in Offer.TRANSITIONS[offer.status]:
        raise IllegalOfferTransition(offer.status, to_status)
    OfferStatusChange.objects.create(offer=offer, from_status=offer.status, to_status=to_status,
                                     changed_at=timezone.now(), changed_by=_actor(actor), note=note)
    offer.status = to_status
    offer._history_user = _actor(actor)
    offer.save(update_fields=["status", "updated_at"])
    return offer


def _advance_candidacy(candidacy: Candidacy, to_stage: str, *, actor, note: str) -> Candidacy:
    """Move ``candidacy`` on to ``to_stage`` through the pipeline, once it has reached the client.

    Raises:
        DomainError: The candidacy is rejected or withdrawn, or not yet submitted to the client.
    """
    current = Candidacy.objects.select_for_update().get(pk=candidacy.pk)
    if current.stage in ENDED_UNPLACED:
        message = _("No offer can be made on a candidacy that is %(stage)s.") % {"stage": Stage(current.stage).label}
        raise DomainError(message, fields={"candidacy": [message]})
    if stage_rank(current.stage) < stage_rank(Stage.SUBMITTED):
        message = _("Submit the candidate to the client before an offer is extended; the candidacy is %(stage)s.") % {
            "stage": Stage(current.stage).label}
        raise DomainError(message, fields={"candidacy": [message]})
    return candidacy_advance(candidacy=current, to_stage=to_stage, actor=actor, note=note)


@transaction.atomic
def offer_extend(*, offer: Offer, actor: AbstractBaseUser | None = None) -> Offer:
    """Extend a draft offer to the candidate; its candidacy moves on to ``offer``.

    Raises:
        IllegalOfferTransition: The offer is not a draft.
        DomainError: The candidacy is rejected/withdrawn or not yet submitted to the client.
    """
    locked = _lock(offer)
    _set_status(locked, Status.EXTENDED, actor=actor)
    if locked.candidacy_id:
        _advance_candidacy(locked.candidacy, Stage.OFFER, actor=actor,
                           note=_("Offer extended by %(company)s.") % {"company": locked.company})
    return locked


@transaction.atomic
def offer_accept(*, offer: Offer, actor: AbstractBaseUser | None = None) -> Offer:
    """Record that the candidate accepted an extended offer; its candidacy moves on to ``placed``.

    Other draft or extended offers of the same candidacy are withdrawn.

    Raises:
        IllegalOfferTransition: The offer is not extended.
        DomainError: The candidacy already has an accepted offer, or cannot move on.
    """
    locked = _lock(offer)
    if locked.candidacy_id and Offer.objects.filter(candidacy_id=locked.candidacy_id, status=Status.ACCEPTED).exists():
        message = _("This candidacy already has an accepted offer.")
        raise DomainError(message, fields={"status": [message]})
    _set_status(locked, Status.ACCEPTED, actor=actor)
    if locked.candidacy_id:
        note = _("Offer from %(company)s accepted.") % {"company": locked.company}
        if locked.candidacy.stage != Stage.PLACED:
            _advance_candidacy(locked.candidacy, Stage.PLACED, actor=actor, note=note)
        superseded = (Offer.objects.select_for_update().filter(candidacy_id=locked.candidacy_id)
                      .filter(status__in=[Status.DRAFT, Status.EXTENDED]).exclude(pk=locked.pk))
        for other in superseded:
            _set_status(other, Status.WITHDRAWN, actor=actor,
                        note=_("Superseded: offer #%(id)d was accepted.") % {"id": locked.pk})
    return locked


@transaction.atomic
def offer_decline(*, offer: Offer, actor: AbstractBaseUser | None = None) -> Offer:
    """Record that the candidate declined an extended offer (the candidacy stays where it is).

    Raises:
        IllegalOfferTransition: The offer is not extended.
    """
    return _set_status(_lock(offer), Status.DECLINED, actor=actor)


@transaction.atomic
def offer_expire(*, offer: Offer, actor: AbstractBaseUser | None = None) -> Offer:
    """Mark an extended offer expired (its deadline passed without an answer).

    Raises:
        IllegalOfferTransition: The offer is not extended.
    """
    return _set_status(_lock(offer), Status.EXPIRED, actor=actor)


@transaction.atomic
def offer_withdraw(*, offer: Offer, actor: AbstractBaseUser | None = None) -> Offer:
    """Withdraw a draft or extended offer (the company takes it back).

    Raises:
        IllegalOfferTransition: The offer is already accepted, declined, expired or withdrawn.
    """
    return _set_status(_lock(offer), Status.WITHDRAWN, actor=actor)


def offers_expire_overdue(*, today: date | None = None) -> int:
    """Expire every extended offer whose deadline is before ``today`` (default: local today).

    Idempotent: a second run finds nothing to expire. Returns the number expired.
    """
    today = today or timezone.localdate()
    expired = 0
    for offer_id in Offer.objects.filter(status=Status.EXTENDED, deadline_on__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            locked = Offer.objects.select_for_update().get(pk=offer_id)
            if locked.status == Status.EXTENDED:
                _set_status(locked, Status.EXPIRED, actor=None,
                            note=_("Deadline %(deadline)s passed without an answer.") % {"deadline": locked.deadline_on})
                expired += 1
    return expired


@transaction.atomic
def offer_placement_create(
    *, offer: Offer, start_on: date, actor: AbstractBaseUser | None = None
) -> Placement:
    """Record the placement won by an accepted client offer (start date, year-1 cash, fee, guarantee).

    The placement's ``year1_cash`` is this offer's :func:`compensation.valuation.year1_cash`
    (base + target bonus + sign-on + relocation, in the offer's currency), rounded once to
    the currency's minor unit as it is stored, and the fee is
    the opening's fee % of it (:func:`crm.services.placement_fee`).

    Raises:
        DomainError: The offer is not accepted or has no candidacy; the candidacy is not
            placed; a placement exists already (``crm.services.DuplicatePlacement``).
    """
    locked = _lock(offer)
    if locked.status != Status.ACCEPTED or not locked.candidacy_id:
        message = _("A placement is recorded from an accepted offer of a candidacy.")
        raise DomainError(message, fields={"offer": [message]})
    return placement_create(candidacy=locked.candidacy, year1_cash=round_money(year1_cash(locked)), start_on=start_on,
                            actor=actor)
