"""Clearly fictional demo companies and openings for ``manage.py demo_setup``.

Company names say "(fictional)" so nobody mistakes them for real employers. Bands are
annual total cash. Requirements reference the specialty taxonomy loaded by
``load_reference_data`` (slugs from ``talent/data/specialties.json``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext
from djmoney.money import Money

from talent.errors import DomainError
from talent.models import Specialty

from .models import Company, Opening, OpeningRequirement
from .services import company_save, opening_requirement_save, opening_save

DEMO_COMPANIES = {
    "Fictional Big Tech Co.": {"native_name": "虚构大厂科技", "kind": Company.Kind.BIG_TECH,
                               "funding_stage": Company.FundingStage.PUBLIC, "is_client": True, "city": "Beijing"},
    "Demo AI Unicorn (fictional)": {"native_name": "演示AI独角兽", "kind": Company.Kind.AI_UNICORN,
                                    "funding_stage": Company.FundingStage.SERIES_C, "is_client": True, "city": "Shanghai"},
    "Fictional Frontier Lab": {"kind": Company.Kind.AI_UNICORN, "funding_stage": Company.FundingStage.SERIES_B,
                               "is_client": True, "city": "Singapore"},
    "Example Recsys Startup (fictional)": {"kind": Company.Kind.STARTUP, "funding_stage": Company.FundingStage.SERIES_A,
                                           "is_client": True, "city": "Hangzhou"},
}

# (company, title, function, city, min_degree, target_top_papers, band (min, max, currency), requirements)
# requirements: (specialty slug, weight, must-have)
DEMO_OPENINGS = [
    ("Fictional Big Tech Co.", "Senior Research Scientist, RLHF / Post-training", "research_scientist", "Beijing",
     "phd", 3, ("1800000", "3000000", "CNY"),
     [("rlhf-post-training", "2", True), ("reinforcement-learning", "1", False), ("llm-pretraining", "0.5", False)]),
    ("Fictional Big Tech Co.", "Staff Research Engineer, Computer Vision", "research_engineer", "Shanghai",
     "msc", 2, ("1500000", "2500000", "CNY"),
     [("computer-vision", "2", True), ("ml-systems", "0.5", False)]),
    ("Demo AI Unicorn (fictional)", "Research Scientist, Robot Learning", "research_scientist", "Shenzhen",
     "phd", 3, ("1600000", "2800000", "CNY"),
     [("robot-learning", "2", True), ("reinforcement-learning", "1", False), ("robotics", "1", False)]),
    ("Demo AI Unicorn (fictional)", "LLM Pre-training Engineer", "ml_engineer", "Beijing",
     "msc", 1, ("1500000", "2600000", "CNY"),
     [("llm-pretraining", "2", True), ("ml-systems", "1", False), ("nlp", "0.5", False)]),
    ("Fictional Frontier Lab", "Research Scientist, Multi-agent RL", "research_scientist", "Singapore",
     "phd", 4, ("250000", "400000", "USD"),
     [("multi-agent-rl", "2", False), ("reinforcement-learning", "1.5", True)]),
    ("Example Recsys Startup (fictional)", "Applied Scientist, Recommendation", "applied_scientist", "Hangzhou",
     "msc", 1, ("800000", "1400000", "CNY"),
     [("recommendation-search", "2", True), ("machine-learning", "1", False)]),
]


@transaction.atomic
def demo_openings_create() -> list[Opening]:
    """Create (or find) the fictional demo companies and their openings; idempotent.

    Returns:
        The demo openings, in ``DEMO_OPENINGS`` order.

    Raises:
        DomainError: The specialty taxonomy is not loaded (run ``load_reference_data``).
    """
    slugs = {slug for *_, reqs in DEMO_OPENINGS for slug, _w, _m in reqs}
    specialties = {s.slug: s for s in Specialty.objects.filter(slug__in=slugs)}
    missing = sorted(slugs - specialties.keys())
    if missing:
        raise DomainError(
            gettext("Specialties missing from the taxonomy: %(slugs)s. Run load_reference_data first.")
            % {"slugs": ", ".join(missing)}
        )
    companies = {}
    for name, fields in DEMO_COMPANIES.items():
        companies[name] = (Company.objects.filter(name__iexact=name).first()
                           or company_save(company=Company(name=name, **fields)))
    openings = []
    for company, title, function, city, degree, papers, (low, high, currency), reqs in DEMO_OPENINGS:
        opening = Opening.objects.filter(company=companies[company], title=title).first()
        if opening is None:
            opening = opening_save(opening=Opening(
                company=companies[company], title=title, function=function, city=city, min_degree=degree,
                target_top_papers=papers, band_min=Money(Decimal(low), currency),
                band_max=Money(Decimal(high), currency), status=Opening.Status.OPEN,
                description="A fictional opening for the demo.",
            ))
            for slug, weight, must in reqs:
                opening_requirement_save(requirement=OpeningRequirement(
                    opening=opening, specialty=specialties[slug], weight=Decimal(weight), is_must_have=must))
        openings.append(opening)
    return openings
