"""Clearly fictional demo offers for ``manage.py demo_setup``: the comparison page's example.

A fictional candidate ("Demo Candidate 演示候选人", ``is_fictional=True``) holds an
extended offer from a fictional listed big tech (not a client) of 125,000 CNY x 16
months = 2,000,000 CNY a year plus RSUs vesting 5/15/40/40, and the fictional AI-unicorn
client has a draft of 100,000 CNY x 16 months plus sign-on and options. The ECB rates
shipped in ``crm/data/fx/`` are loaded first when none are loaded, so the page
converts offline. Idempotent: a second run creates nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from crm.fx import default_history_path, ecb_history_load, fx_latest_fixing_on
from crm.models import Candidacy, Company, Opening
from crm.pipeline import candidacy_advance
from crm.services import candidacy_create, company_save
from talent.models import Candidate

from . import services
from .models import Offer

DEMO_CANDIDATE = {"full_name": "Demo Candidate 演示候选人", "native_name": "演示候选人",
                  "email": "demo.candidate@example.invalid"}
COMPETITOR = ("Fictional Listed Big Tech (fictional)",
              {"native_name": "虚构上市大厂", "kind": Company.Kind.BIG_TECH, "funding_stage": Company.FundingStage.PUBLIC,
               "is_client": False, "city": "Beijing"})
# The same unicorn as crm.demo's openings when they exist (found by name).
UNICORN = ("Demo AI Unicorn (fictional)",
           {"native_name": "演示AI独角兽", "kind": Company.Kind.AI_UNICORN, "funding_stage": Company.FundingStage.SERIES_C,
            "is_client": True, "city": "Shanghai"})


def _company(name: str, defaults: dict) -> Company:
    company = Company.objects.filter(name__iexact=name).first()
    return company or company_save(company=Company(name=name, **defaults))


def _candidacy(candidate: Candidate, unicorn: Company) -> Candidacy | None:
    """The candidate in the unicorn's first open opening, moved to ``interviewing`` through the pipeline."""
    opening = Opening.objects.filter(company=unicorn).order_by("id").first()
    if opening is None:
        return None
    candidacy = Candidacy.objects.filter(candidate=candidate, opening=opening).first()
    if candidacy is None:
        candidacy = candidacy_create(candidate=candidate, opening=opening, note="Fictional demo candidacy.")
        candidacy = candidacy_advance(candidacy=candidacy, to_stage=Candidacy.Stage.INTERVIEWING,
                                      note="Fictional demo candidacy.")
    return candidacy


@transaction.atomic
def demo_offers_create(*, stdout: TextIO | None = None) -> list[Offer]:
    """Create (or find) the fictional demo candidate, companies and the two offers; idempotent.

    Returns:
        ``[big-tech offer, unicorn draft]``.
    """
    if fx_latest_fixing_on() is None:
        result = ecb_history_load(default_history_path())
        if stdout is not None:
            stdout.write(f"ECB exchange rates loaded: {result.rows_created} fixings, latest {result.latest_on}.\n")
    candidate = Candidate.objects.filter(full_name=DEMO_CANDIDATE["full_name"], is_fictional=True).first()
    if candidate is None:
        candidate = Candidate.objects.create(
            **DEMO_CANDIDATE, is_fictional=True, city="Beijing", current_employer=COMPETITOR[0],
            highest_degree=Candidate.Degree.PHD, phd_institution="Fictional University (demo)", phd_year=2021,
        )
    competitor = _company(*COMPETITOR)
    unicorn = _company(*UNICORN)
    deadline = timezone.localdate() + timedelta(days=14)

    big_tech = Offer.objects.filter(candidate=candidate, company=competitor).first()
    if big_tech is None:
        big_tech = services.offer_create(
            candidate=candidate, company=competitor, status=Offer.Status.EXTENDED, currency="CNY",
            title="Senior Research Scientist (fictional)", monthly_base="125000", months_per_year="16",
            equity_kind=Offer.EquityKind.RSU, rsu_grant_value="2000000", vesting_years=4, cliff_months=12,
            vesting_schedule=[5, 15, 40, 40], deadline_on=deadline,
            notes="Fictional competing offer: 125,000 CNY x 16 months = 2,000,000 CNY a year.",
        )
    draft = Offer.objects.filter(candidate=candidate, company=unicorn).first()
    if draft is None:
        draft = services.offer_create(
            candidate=candidate, company=unicorn, candidacy=_candidacy(candidate, unicorn), currency="CNY",
            title="Research Scientist, Robot Learning (fictional)", monthly_base=Money(100000, "CNY"),
            months_per_year="16", sign_on="150000", equity_kind=Offer.EquityKind.OPTIONS, option_shares=300000,
            option_strike="2.00", option_fair_value="8.00", vesting_years=4, cliff_months=12, deadline_on=deadline,
            notes="Fictional draft: 100,000 CNY x 16 months, sign-on, options.",
        )
    if stdout is not None:
        stdout.write(f"Demo offers for {candidate.full_name}: {big_tech.company} and {draft.company}.\n")
    return [big_tech, draft]
