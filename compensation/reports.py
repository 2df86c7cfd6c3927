"""The offer figures of the weekly pipeline report (crm/reports), registered as its hook.

crm cannot import compensation (design.md, "Layering"), yet the report counts offers and
projects fees from each open offer's year-1 cash, a rule whose one home is
:func:`compensation.valuation.year1_cash`. So the report asks this provider, which
``CompensationConfig.ready`` installs with :func:`crm.reports.hooks.offer_figures_register`.

Everything is read from ``OfferStatusChange`` history as of the moments asked for (an
offer's status at a moment is the ``to_status`` of its last move before it), so a past
week gives the same answer later. An offer's terms, and so its year-1 cash and deadline,
are frozen once it is extended (:func:`compensation.services.offer_update_check`). Only
client offers count: offers tied to a candidacy of the openings asked about.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import reduce
from operator import or_

from django.db.models import Count, OuterRef, Q, Subquery

from crm.reports.weeks import Week
from crm.services import placement_fee
from talent.money import round_money

from .models import Offer, OfferStatusChange
from .valuation import year1_cash

Status = Offer.Status

#: The offer fields year-1 cash reads (with their currencies): loaded alone, the rest stays in the database.
VALUATION_FIELDS: tuple[str, ...] = (
    "id", "candidacy_id", "months_per_year", "target_bonus_percent",
    *(f"{name}{suffix}" for name in ("monthly_base", "annual_base", "target_bonus", "sign_on", "relocation",
                                     "rsu_grant_value", "share_price", "option_strike", "option_fair_value")
      for suffix in ("", "_currency")),
)

#: Headline keys of the report and the status move each counts.
COUNTED = {"offers_extended": Status.EXTENDED, "offers_accepted": Status.ACCEPTED}


def _status_at(moment: datetime) -> Subquery:
    """The offer's status at ``moment``: the target of its last status move before it (``None`` before it existed)."""
    return Subquery(OfferStatusChange.objects.filter(offer_id=OuterRef("pk"), changed_at__lt=moment)
                    .order_by("-changed_at", "-id").values("to_status")[:1])


class OfferReportFigures:
    """:class:`crm.reports.hooks.OfferFigures` over ``Offer`` and ``OfferStatusChange`` (one query per call)."""

    def counts(self, opening_ids: list[int], weeks: list[Week]) -> dict[int, dict[str, list[int]]]:
        aggregates = {
            f"{key}_{i}": Count("id", filter=Q(to_status=status, changed_at__gte=w.start_at, changed_at__lt=w.end_at))
            for key, status in COUNTED.items() for i, w in enumerate(weeks)
        }
        rows = (OfferStatusChange.objects.filter(
            offer__candidacy__opening_id__in=opening_ids, changed_at__gte=weeks[0].start_at,
            changed_at__lt=weeks[-1].end_at, to_status__in=list(COUNTED.values()),
        ).values("offer__candidacy__opening_id").annotate(**aggregates).order_by())
        return {r["offer__candidacy__opening_id"]: {key: [r[f"{key}_{i}"] for i in range(len(weeks))]
                                                    for key in COUNTED} for r in rows}

    def projected_fees(self, opening_ids: list[int], moments: list[datetime]) -> list[list[dict]]:
        """Open offers at each moment with year-1 cash (rounded once, as a placement stores it) and fee.

        One query; the valuation runs in Python on the open offers only (a handful per
        opening: the state at a moment, not the event history).
        """
        statuses = {f"status_{i}": _status_at(m) for i, m in enumerate(moments)}
        open_at_some = reduce(or_, (Q(**{name: Status.EXTENDED}) for name in statuses))
        offers = (Offer.objects.filter(candidacy__opening_id__in=opening_ids).annotate(**statuses)
                  .filter(open_at_some).select_related("candidacy__opening", "candidate")
                  .only(*VALUATION_FIELDS, "candidacy__opening__fee_percent", "candidate__full_name",
                        "candidate__native_name").order_by("id"))
        result: list[list[dict]] = [[] for _ in moments]
        for offer in offers:
            cash = round_money(year1_cash(offer))
            percent = offer.candidacy.opening.fee_percent
            row = {"offer_id": offer.pk, "candidacy_id": offer.candidacy_id, "opening_id": offer.candidacy.opening_id,
                   "candidate": offer.candidate.full_name, "native_name": offer.candidate.native_name,
                   "currency": cash.currency.code, "year1_cash": cash.amount, "fee_percent": percent,
                   "fee": placement_fee(year1_cash=cash, fee_percent=percent).amount}
            for i in range(len(moments)):
                if getattr(offer, f"status_{i}") == Status.EXTENDED:
                    result[i].append(row)
        return result

    def pending(self, opening_ids: list[int], at: datetime, first_on: date, last_on: date) -> list[dict]:
        offers = (Offer.objects.filter(candidacy__opening_id__in=opening_ids, deadline_on__gte=first_on,
                                       deadline_on__lte=last_on)
                  .annotate(status_then=_status_at(at)).filter(status_then=Status.EXTENDED)
                  .select_related("candidacy", "candidate", "company").order_by("deadline_on", "id"))
        rows = []
        for offer in offers:
            cash = round_money(year1_cash(offer))
            rows.append({"offer_id": offer.pk, "candidacy_id": offer.candidacy_id,
                         "opening_id": offer.candidacy.opening_id, "candidate": offer.candidate.full_name,
                         "native_name": offer.candidate.native_name, "company": offer.company.name,
                         "deadline_on": offer.deadline_on, "currency": cash.currency.code, "year1_cash": cash.amount})
        return rows

    def events(self, opening_ids: list[int], start_at: datetime, end_at: datetime) -> list[dict]:
        rows = (OfferStatusChange.objects.filter(offer__candidacy__opening_id__in=opening_ids,
                                                 changed_at__gte=start_at, changed_at__lt=end_at)
                .values("changed_at", "offer_id", "offer__candidacy_id", "offer__candidacy__opening_id",
                        "offer__candidate__full_name", "offer__candidate__native_name", "from_status", "to_status",
                        "changed_by_id")
                .order_by("changed_at", "id"))
        return [{"at": r["changed_at"], "offer_id": r["offer_id"], "candidacy_id": r["offer__candidacy_id"],
                 "opening_id": r["offer__candidacy__opening_id"], "candidate": r["offer__candidate__full_name"],
                 "native_name": r["offer__candidate__native_name"], "from_status": r["from_status"],
                 "to_status": r["to_status"], "by_id": r["changed_by_id"]} for r in rows]
