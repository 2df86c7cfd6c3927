"""A hand-built fortnight of pipeline events around 2026-W48, written through the real services.

Each event is written with the clock set to its time (``clock``), so the history rows are
exactly what the services write. Times are local (Asia/Shanghai, UTC+8, no DST).

Manager ``boss`` reports on:

* opening A (names boss, fee 20 %), owned by rec1;
* opening B (names no manager, owned by rec2, a member of boss's team; fee 25 %);
* opening D (names boss, open, no candidacies: "no movement");
* opening E (names boss, closed, nothing: not listed).

Opening C names another manager: nothing of it is in boss's report.

Events (W47 is the week before, W49 the week after; times local):

* W45 Mon 10:00 c8 and c9 created in A; c9 gets a call in W48 (not stale), c8 nothing (stale);
* W46 Mon 10:00 c7 created in B and advanced to interviewing; W47 Tue 10:00 its offer
  (600,000 CNY a year, year-1 600,000) extended; W48 Tue 11:00 accepted (placed) and the
  placement recorded at 11:30 (fee 25 % = 150,000 CNY);
* W47 Wed 10:00 c1 created in A; W47 Sun 23:59:59 c2 created in A (last week);
* W48 Mon 00:30 local (Sun 16:30 UTC) c3 created in A: this week;
* W48 Tue 09:00 c1 advanced to submitted; Wed 10:00 to interviewing; Thu 15:00 its offer
  (100,000 x 16 = 1,600,000 CNY) extended, deadline W49 Wed: fee projected 20 % = 320,000;
* W48 Wed 11:00 c4 created in B; W48 Fri c5 created in C (other manager);
* W48 Sun 23:59 c2 rejected;
* W49 Mon 00:00:00 c6 created in A (next week); W49 Tue c1's offer accepted (next week);
* follow-ups: c3 due W48 Thu (never done: overdue, rec1), c4 due W48 Wed done W49 Mon
  (overdue at W48's end, rec2), c1 due W48 Tue done W48 Mon (not overdue), c9 due W49 Tue
  (not yet due).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from compensation import services as offer_services
from crm import pipeline, services
from crm.models import Activity, Opening, StaffProfile
from crm.reports.weeks import Week
from tests.crm.factories import CompanyFactory, FitScoreFactory, OpeningFactory, UserFactory
from tests.talent.factories import CandidateFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
W48 = Week(2026, 48)


def local(day: date, hhmm: str, seconds: int = 0) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=SHANGHAI) + timedelta(seconds=seconds)


def day_of(week: Week, weekday: int) -> date:
    return week.start_on + timedelta(days=weekday)


@contextlib.contextmanager
def clock(moment: datetime):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@dataclass
class Scenario:
    boss: object
    other: object
    rec1: object
    rec2: object
    openings: dict = field(default_factory=dict)
    candidacies: dict = field(default_factory=dict)
    offers: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)


def build_scenario() -> Scenario:
    boss = UserFactory(username="boss", email="boss@example.com", first_name="Bo", last_name="Ss")
    other = UserFactory(username="other", email="other@example.com")
    rec1 = UserFactory(username="rec1", first_name="Rec", last_name="One")
    rec2 = UserFactory(username="rec2", first_name="Rec", last_name="Two")
    StaffProfile.objects.create(user=rec2, manager=boss)
    company = CompanyFactory(name="Fictional Client")
    s = Scenario(boss, other, rec1, rec2)
    s.openings = {
        "A": OpeningFactory(company=company, title="Opening A", manager=boss, owner=rec1, fee_percent=Decimal("20")),
        "B": OpeningFactory(company=company, title="Opening B", manager=None, owner=rec2, fee_percent=Decimal("25")),
        "C": OpeningFactory(company=company, title="Opening C", manager=other, owner=rec1),
        "D": OpeningFactory(company=company, title="Opening D", manager=boss, owner=rec1),
        "E": OpeningFactory(company=company, title="Opening E", manager=boss, status=Opening.Status.CLOSED),
    }
    owners = {"A": rec1, "B": rec2, "C": rec1}
    w45, w46, w47, w49 = Week(2026, 45), Week(2026, 46), Week(2026, 47), Week(2026, 49)

    def create(name, opening, moment):
        with clock(moment):
            s.candidacies[name] = services.candidacy_create(
                candidate=CandidateFactory(full_name=f"Candidate {name}", native_name=f"候选人{name}"),
                opening=s.openings[opening], actor=owners[opening])

    def advance(name, stage, moment):
        with clock(moment):
            s.candidacies[name] = pipeline.candidacy_advance(candidacy=s.candidacies[name], to_stage=stage,
                                                             actor=s.candidacies[name].owner)

    def offer(name, moment, deadline_on, **terms):
        cy = s.candidacies[name]
        with clock(moment):
            created = offer_services.offer_create(candidate=cy.candidate, company=cy.opening.company, candidacy=cy,
                                                  currency="CNY", deadline_on=deadline_on, actor=cy.owner, **terms)
            s.offers[name] = offer_services.offer_extend(offer=created, actor=cy.owner)

    def task(name, moment, due, done=None):
        with clock(moment):
            s.tasks[name] = services.activity_log(actor=s.candidacies[name].owner, kind=Activity.Kind.TASK,
                                                  subject=f"Follow up {name}", candidacy=s.candidacies[name], due_at=due)
        if done:
            with clock(done):
                services.follow_up_complete(activity=s.tasks[name], actor=s.candidacies[name].owner)

    create("c8", "A", local(day_of(w45, 0), "10:00"))
    create("c9", "A", local(day_of(w45, 0), "10:00"))
    create("c7", "B", local(day_of(w46, 0), "10:00"))
    advance("c7", "interviewing", local(day_of(w46, 2), "10:00"))
    offer("c7", local(day_of(w47, 1), "10:00"), day_of(W48, 4), annual_base="600000")
    create("c1", "A", local(day_of(w47, 2), "10:00"))
    create("c2", "A", local(day_of(w47, 6), "23:59", seconds=59))
    create("c3", "A", local(day_of(W48, 0), "00:30"))
    task("c1", local(day_of(W48, 0), "08:00"), due=local(day_of(W48, 1), "09:00"), done=local(day_of(W48, 0), "09:00"))
    advance("c1", "submitted", local(day_of(W48, 1), "09:00"))
    with clock(local(day_of(W48, 1), "11:00")):
        s.offers["c7"] = offer_services.offer_accept(offer=s.offers["c7"], actor=rec2)
    with clock(local(day_of(W48, 1), "11:30")):
        s.placement = offer_services.offer_placement_create(offer=s.offers["c7"], start_on=day_of(w49, 0), actor=rec2)
    advance("c1", "interviewing", local(day_of(W48, 2), "10:00"))
    create("c4", "B", local(day_of(W48, 2), "11:00"))
    task("c3", local(day_of(W48, 2), "12:00"), due=local(day_of(W48, 3), "12:00"))
    task("c4", local(day_of(W48, 2), "12:00"), due=local(day_of(W48, 2), "18:00"), done=local(day_of(w49, 0), "09:00"))
    offer("c1", local(day_of(W48, 3), "15:00"), day_of(w49, 2), monthly_base="100000", months_per_year="16")
    with clock(local(day_of(W48, 3), "16:00")):
        services.activity_log(actor=rec1, kind=Activity.Kind.CALL, subject="Check-in", candidacy=s.candidacies["c9"])
    task("c9", local(day_of(W48, 3), "16:30"), due=local(day_of(w49, 1), "10:00"))
    create("c5", "C", local(day_of(W48, 4), "10:00"))
    with clock(local(day_of(W48, 6), "23:59")):
        s.candidacies["c2"] = pipeline.candidacy_move_stage(candidacy=s.candidacies["c2"], to_stage="rejected",
                                                            actor=rec1)
    return s


def add_later_events(s: Scenario) -> None:
    """Events after W48: they must not change W48's figures."""
    w49 = Week(2026, 49)
    with clock(local(day_of(w49, 0), "00:00")):
        s.candidacies["c6"] = services.candidacy_create(candidate=CandidateFactory(full_name="Candidate c6"),
                                                        opening=s.openings["A"], actor=s.rec1)
    with clock(local(day_of(w49, 1), "10:00")):
        offer_services.offer_accept(offer=s.offers["c1"], actor=s.rec1)
    with clock(local(day_of(w49, 1), "11:00")):
        pipeline.candidacy_move_stage(candidacy=s.candidacies["c3"], to_stage="contacted", actor=s.rec1)
        services.follow_up_complete(activity=s.tasks["c3"], actor=s.rec1)


@pytest.fixture
def scenario(db) -> Scenario:
    return build_scenario()


@pytest.fixture
def fit_scores(scenario):
    """Stored fit scores of opening A: two outsiders, one candidate in the pipeline, one who refused consent."""
    from talent.models import Candidate

    a = scenario.openings["A"]
    outsider_x = CandidateFactory(full_name="Outsider X", native_name="局外人")
    outsider_z = CandidateFactory(full_name="Outsider Z")
    refused = CandidateFactory(full_name="Refused R", consent_status=Candidate.Consent.REFUSED)
    breakdown = [{"factor": "specialty", "value": 0.9, "weight": 0.6, "explanation": "Strong match.",
                  "explanations": {"en": "Strong match.", "zh-hans": "高度匹配。"}},
                 {"factor": "research", "value": 0.5, "weight": 0.4, "explanation": "Some papers.",
                  "explanations": {"en": "Some papers.", "zh-hans": "有一些论文。"}}]
    FitScoreFactory(opening=a, candidate=outsider_x, score=Decimal("80"), breakdown=breakdown)
    FitScoreFactory(opening=a, candidate=outsider_z, score=Decimal("70"), breakdown=breakdown)
    FitScoreFactory(opening=a, candidate=scenario.candidacies["c1"].candidate, score=Decimal("95"))
    FitScoreFactory(opening=a, candidate=refused, score=Decimal("99"))
    FitScoreFactory(opening=a, candidate=CandidateFactory(), score=Decimal("0"))
    return {"x": outsider_x, "z": outsider_z}
