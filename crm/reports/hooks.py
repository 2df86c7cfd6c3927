"""The report's window onto offers: a hook that the compensation app fills.

Offers (``compensation.Offer``, ``OfferStatusChange``) and the year-1 cash rule
(``compensation.valuation.year1_cash``) live in compensation, an app above crm: crm must
not import them (design.md, "Layering"). Reaching the tables through
``apps.get_model`` would dodge the import but not the rule: projected fees need the
year-1 cash of each open offer, whose one home is compensation's valuation. So the
offer-dependent part of the report is behind this hook: compensation registers an
:class:`OfferFigures` when its app is ready (``compensation/apps.py``), and the report
asks it, with the scope's opening ids, for the numbers it needs. Without it (crm used
without compensation) the report says offers are not tracked and shows none.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from .weeks import Week


class OfferFigures(Protocol):
    """What the weekly report needs to know about client offers of some openings.

    Every method runs one SQL query whatever the number of openings or offers, and reads history (``OfferStatusChange``), so any past week gives the same
    answer. "Client offers" are offers tied to a candidacy of one of ``opening_ids``.
    """

    def counts(self, opening_ids: list[int], weeks: list[Week]) -> dict[int, dict[str, list[int]]]:
        """Offers extended and accepted per opening and week: ``{opening_id: {"offers_extended": [n per
        week], "offers_accepted": [...]}}`` (openings without any left out), in the order of
        ``weeks``, counted from status moves whose ``changed_at`` is in the week."""

    def projected_fees(self, opening_ids: list[int], moments: list[datetime]) -> list[list[dict]]:
        """The open offers at each moment and their projected fee, one list per moment.

        An offer is open at a moment when its last status move before it is to
        ``extended``. Each row: ``{"offer_id", "candidacy_id", "opening_id", "candidate",
        "currency", "year1_cash": Decimal, "fee_percent": Decimal, "fee": Decimal}``, the
        fee being the placement fee rule applied to the offer's year-1 cash.
        """

    def pending(self, opening_ids: list[int], at: datetime, first_on: date, last_on: date) -> list[dict]:
        """Offers open at ``at`` whose deadline (a local date) is between ``first_on`` and ``last_on``.

        Rows: ``{"offer_id", "candidacy_id", "opening_id", "candidate", "company",
        "deadline_on": date, "currency", "year1_cash": Decimal}``, soonest deadline first.
        """

    def events(self, opening_ids: list[int], start_at: datetime, end_at: datetime) -> list[dict]:
        """Status moves of client offers in ``[start_at, end_at)``, oldest first.

        Rows: ``{"at": datetime, "offer_id", "candidacy_id", "opening_id", "candidate",
        "from_status", "to_status", "by_id"}`` (``by_id``: who moved it, or ``None``).
        """


_provider: OfferFigures | None = None


def offer_figures_register(provider: OfferFigures | None) -> None:
    """Install ``provider`` as the report's source of offer figures (``None`` removes it)."""
    global _provider
    _provider = provider


def offer_figures() -> OfferFigures | None:
    """The registered provider, or ``None`` when offers are not tracked."""
    return _provider

