"""The report's numbers against the hand-built fortnight of tests/crm/reports/conftest.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import StaffProfile
from crm.reports import selectors
from crm.reports.selectors import BaseConverter, report_figures
from crm.reports.team import manager_openings, report_manager_ids
from crm.reports.weeks import Week
from tests.crm.factories import FxRateFactory, OpeningFactory, UserFactory

from .conftest import W48, add_later_events, build_scenario, day_of, local

pytestmark = pytest.mark.django_db


def headline(payload: dict) -> dict:
    return {h["key"]: (h["this_week"], h["last_week"]) for h in payload["headline"]}


def money(payload: dict, key: str) -> tuple[str, str]:
    this, last = headline(payload)[key]
    return this["amount"], last["amount"]


def test_report_figures_headline_numbers_match_the_hand_built_week(scenario):
    payload = report_figures(manager=scenario.boss, week=W48)

    numbers = headline(payload)
    assert numbers["new_candidacies"] == (2, 2)  # c3 (Mon 00:30 local), c4 / c1, c2 (Sun 23:59:59)
    assert numbers["submissions"] == (1, 0)
    assert numbers["interviews"] == (1, 0)
    assert numbers["offers_extended"] == (1, 1)  # c1 / c7
    assert numbers["offers_accepted"] == (1, 0)  # c7
    assert numbers["placements"] == (1, 0)
    assert money(payload, "fees_projected") == ("320000.00", "150000.00")  # 20 % of 1.6M / 25 % of 600k
    assert money(payload, "fees_booked") == ("150000.00", "0.00")
    assert payload["headline"][-1]["this_week"]["currency"] == "CNY"


def test_report_figures_funnel_medians_and_lists(scenario, fit_scores):
    payload = report_figures(manager=scenario.boss, week=W48)

    titles = {o["id"]: o["title"] for o in payload["openings"]}
    funnel = {titles[f["opening_id"]]: f for f in payload["funnel"]}
    assert list(funnel) == ["Opening A", "Opening B", "Opening D"]  # E is closed and quiet; C is another's
    assert funnel["Opening A"]["reached"] == [5, 1, 1, 1, 1, 1, 0]
    assert funnel["Opening A"]["moves"] == 7
    assert funnel["Opening B"]["reached"] == [2, 1, 1, 1, 1, 1, 1]
    assert payload["funnel_total"] == [7, 2, 2, 2, 2, 2, 1]
    medians = {m["stage"]: (m["median_days"], m["stays"]) for m in payload["median_days"]}
    # sourced: c1 5d23h and c2 6d23h59m01s -> mean of the two; pass-throughs (0 s) are no stays
    assert medians == {"sourced": (6.48, 2), "submitted": (1.04, 1), "interviewing": (1.21, 1), "offer": (7.04, 1)}
    assert [(s["candidate"], s["stage"], s["idle_days"]) for s in payload["stale"]] == [("Candidate c8", "sourced", 27)]
    assert [(p["candidate"], p["deadline_on"], p["year1_cash"]) for p in payload["offers_pending"]] == [
        ("Candidate c1", "2026-12-02", "1600000.00")]
    assert [(g["recruiter"], g["count"], g["oldest_due_on"]) for g in payload["follow_ups"]["by_recruiter"]] == [
        ("Rec One", 1, "2026-11-26"), ("Rec Two", 1, "2026-11-25")]
    assert [b["candidate"] for b in payload["best_fits"]] == ["Outsider X", "Outsider Z"]
    assert [titles[i] for i in payload["quiet_openings"]] == ["Opening D"]


def test_report_figures_events_back_every_headline_count(scenario):
    payload = report_figures(manager=scenario.boss, week=W48)

    counted = {}
    for event in payload["events"]:
        counted[event["counts_as"]] = counted.get(event["counts_as"], 0) + 1
    for key, (this, _last) in headline(payload).items():
        if key in selectors.COUNT_KEYS:
            assert counted.get(key, 0) == this, key
    assert counted["fees_booked"] == 1
    assert sum(Decimal(p["fee"]) for p in payload["projected_offers"]) == Decimal("320000.00")
    assert {e["candidate"] for e in payload["events"]} >= {"Candidate c3", "Candidate c4", "Candidate c7"}
    assert "Candidate c5" not in {e["candidate"] for e in payload["events"]}  # another manager's opening


def test_report_figures_monday_0030_local_is_the_new_week(scenario):
    created = next(e for e in report_figures(manager=scenario.boss, week=W48)["events"] if e["candidate"] == "Candidate c3")
    before = report_figures(manager=scenario.boss, week=W48.previous())

    assert created["at"] == "2026-11-23T00:30:00+08:00"  # Sunday 16:30 UTC
    assert "Candidate c3" not in {e["candidate"] for e in before["events"]}
    assert "Candidate c2" in {e["candidate"] for e in before["events"] if e["counts_as"] == "new_candidacies"}


def test_report_figures_past_week_recomputed_after_later_events_is_unchanged(scenario, fit_scores):
    before = report_figures(manager=scenario.boss, week=W48)

    add_later_events(scenario)
    after = report_figures(manager=scenario.boss, week=W48)

    for key in ("generated_at", "best_fits"):  # when it was computed; current fit scores (documented)
        before.pop(key), after.pop(key)
    assert after == before
    next_week = headline(report_figures(manager=scenario.boss, week=W48.shifted(1)))
    assert next_week["new_candidacies"] == (1, 2)  # c6 at W49 Monday 00:00:00 exactly
    assert next_week["offers_accepted"] == (1, 1)


def test_report_figures_in_another_time_zone_cut_weeks_there(settings):
    settings.TIME_ZONE = "UTC"  # c3's creation, Sunday 16:30 UTC, now falls in W47
    scenario = build_scenario()

    numbers = headline(report_figures(manager=scenario.boss, week=W48))

    assert numbers["new_candidacies"] == (1, 3)


def test_report_figures_manager_with_no_openings_is_all_zeros(scenario):
    nobody = UserFactory(username="nobody")

    with CaptureQueriesContext(connection) as queries:
        payload = report_figures(manager=nobody, week=W48)

    assert payload["openings"] == [] and payload["funnel"] == [] and payload["events"] == []
    assert all(h["this_week"] in (0, {"amount": "0.00", "currency": "CNY", "unconverted": {}, "rates": []})
               for h in payload["headline"])
    assert len(queries) <= 3


def test_report_figures_week_with_no_events(scenario):
    payload = report_figures(manager=scenario.boss, week=Week(2026, 40))

    assert all(h["this_week"] in (0,) or h["this_week"]["amount"] == "0.00" for h in payload["headline"])
    assert payload["events"] == [] and payload["median_days"] == [] and payload["stale"] == []
    assert payload["funnel_total"] == [0] * 7
    assert len(payload["quiet_openings"]) == 3  # A, B, D: active and no move


def test_median_days_portable_sql_matches_the_database_median(scenario):
    ids = [o.pk for o in manager_openings(scenario.boss.pk)]

    assert selectors._median_days(ids, W48, portable=True) == selectors._median_days(ids, W48)


def test_report_figures_queries_are_constant_per_manager(scenario):
    from crm import services
    from tests.talent.factories import CandidateFactory

    from .conftest import clock

    small = UserFactory(username="small-manager")
    with clock(local(day_of(W48, 2), "10:00")):  # one event against scenario's dozens
        services.candidacy_create(candidate=CandidateFactory(), opening=OpeningFactory(manager=small), actor=small)
    converter = BaseConverter()
    report_figures(manager=scenario.boss, week=W48, converter=converter)  # warm the FX look-up

    with CaptureQueriesContext(connection) as big_run:
        report_figures(manager=scenario.boss, week=W48, converter=converter)
    with CaptureQueriesContext(connection) as small_run:
        report_figures(manager=small, week=W48, converter=converter)

    assert len(big_run) == len(small_run) <= 20


def test_foreign_currency_fees_convert_at_the_weeks_rate_or_stay_apart(scenario):
    from compensation import services as offer_services
    from tests.talent.factories import CandidateFactory

    from .conftest import clock

    b = scenario.openings["B"]
    with clock(local(day_of(W48, 3), "09:00")):
        from crm import pipeline, services

        cy = services.candidacy_create(candidate=CandidateFactory(), opening=b, actor=scenario.rec2)
        cy = pipeline.candidacy_advance(candidacy=cy, to_stage="submitted", actor=scenario.rec2)
        offer = offer_services.offer_create(candidate=cy.candidate, company=b.company, candidacy=cy, currency="USD",
                                            annual_base="100000", deadline_on=day_of(W48, 6))
        offer_services.offer_extend(offer=offer)

    no_rate = headline(report_figures(manager=scenario.boss, week=W48))["fees_projected"][0]
    FxRateFactory(rate_on=day_of(W48, 4), currency="USD", rate_per_eur=Decimal("1.0"))
    FxRateFactory(rate_on=day_of(W48, 4), currency="CNY", rate_per_eur=Decimal("8.0"))
    converted = headline(report_figures(manager=scenario.boss, week=W48))["fees_projected"][0]

    assert no_rate["amount"] == "320000.00" and no_rate["unconverted"] == {"USD": "25000.00"}
    assert converted["amount"] == "520000.00"  # 25 % of 100,000 USD at 8 CNY/USD (Friday's fixing) + 320,000
    assert converted["rates"] == [{"currency": "USD", "rate": "8.000000", "fixed_on": "2026-11-27"}]


def test_report_manager_ids_direct_and_through_the_team(scenario):
    lazy = UserFactory(username="opted-out")
    OpeningFactory(manager=lazy)
    StaffProfile.objects.create(user=lazy, is_weekly_report_enabled=False)
    team_only = UserFactory(username="team-only")
    member = UserFactory(username="member")
    StaffProfile.objects.create(user=member, manager=team_only)
    OpeningFactory(manager=None, owner=member)

    ids = report_manager_ids(W48)

    assert scenario.boss.pk in ids and scenario.other.pk in ids and team_only.pk in ids
    assert lazy.pk not in ids and scenario.rec1.pk not in ids
    assert [o.title for o in manager_openings(scenario.boss.pk)] == [
        "Opening A", "Opening B", "Opening D", "Opening E"]


def test_reports_figures_for_a_batch_equal_each_managers_own(scenario, fit_scores):
    team_only = UserFactory(username="team-only", email="team@example.com")
    StaffProfile.objects.filter(user=scenario.rec1).delete()
    StaffProfile.objects.create(user=scenario.rec1, manager=team_only)
    OpeningFactory(manager=None, owner=scenario.rec1, title="Opening T")
    managers = [scenario.boss, scenario.other, team_only, UserFactory(username="empty")]
    converter = BaseConverter()

    with CaptureQueriesContext(connection) as batch_queries:
        batch = selectors.reports_figures(managers=managers, week=W48, converter=converter)
    alone = {m.pk: report_figures(manager=m, week=W48, converter=converter) for m in managers}

    for manager in managers:
        batch[manager.pk].pop("generated_at"), alone[manager.pk].pop("generated_at")
        assert batch[manager.pk] == alone[manager.pk], manager
    assert [o["title"] for o in batch[team_only.pk]["openings"]] == ["Opening T"]
    assert len(batch_queries) <= 20
