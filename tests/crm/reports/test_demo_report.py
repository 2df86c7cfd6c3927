"""``make demo``'s weekly report: the demo manager receives numbers this test proves from the plan."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from compensation.demo_history import PLAN, demo_report_week
from compensation.models import Offer
from crm.fx import fx_quote
from crm.models import Activity, Candidacy, WeeklyReport
from crm.reports.delivery import weekly_report_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.CRM_DEMO_PASSWORD = "demo-pass-123"
    out = StringIO()
    call_command("load_reference_data", stdout=StringIO())
    call_command("demo_setup", "--skip-import", stdout=out)
    return out.getvalue()


def plan_count(week_offset: int, action: str, stages: set[str] | None = None) -> int:
    return sum(1 for offset, _d, _t, act, _n, arg in PLAN
               if offset == week_offset and act == action and (stages is None or arg in stages))


def test_demo_manager_report_numbers_follow_from_the_plan(demo, tmp_path):
    week = demo_report_week()
    path = tmp_path / "reports" / week.label / "manager" / "report.html"
    assert str(path) in demo and path.exists()

    result = weekly_report_send(manager_id=WeeklyReport._meta.get_field("manager").related_model.objects.get(
        username="manager").pk, week=week)

    payload = result.report.payload
    figures = {h["key"]: (h["this_week"], h["last_week"]) for h in payload["headline"]}
    assert figures["new_candidacies"] == (plan_count(0, "create"), plan_count(-1, "create")) == (3, 3)
    # submitted: F05, F08 this week; F02 last week. Interviewing: F02 / F01, F04.
    assert figures["submissions"] == (2, 1)
    assert figures["interviews"] == (1, 2)
    assert figures["offers_extended"] == (plan_count(0, "offer"), plan_count(-1, "offer")) == (2, 1)
    assert figures["offers_accepted"] == (1, 0) and figures["placements"] == (1, 0)
    # Fees: 25 % of year-1 cash. Booked: F01 (120,000 x 16 + 100,000 sign-on = 2,020,000 CNY).
    assert figures["fees_booked"][0]["amount"] == "505000.00" and figures["fees_booked"][1]["amount"] == "0.00"
    # Projected at the week's end: F02 (110,000 x 16 = 1,760,000 CNY) and F04 (340,000 USD); a week earlier, F01.
    usd = fx_quote("USD", "CNY", min(week.end_on, date(2026, 10, 30))).rate
    expected = (Decimal("440000") + Decimal("85000") * usd).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert figures["fees_projected"][0]["amount"] == str(expected)
    assert figures["fees_projected"][1]["amount"] == "505000.00"
    assert [(s["candidate"], s["stage"]) for s in payload["stale"]] == [
        ("Fictional Candidate 03", "sourced"), ("Fictional Candidate 06", "offer")]
    assert [p["deadline_on"] for p in payload["offers_pending"]] == [
        (week.end_on + timedelta(days=3)).isoformat(), (week.end_on + timedelta(days=6)).isoformat()]
    assert sorted(g["count"] for g in payload["follow_ups"]["by_recruiter"]) == [1, 1]
    assert len(payload["openings"]) == 6 and len(payload["quiet_openings"]) == 1
    assert mail.outbox[0].to == ["manager@example.com"]
    assert "New candidacies: 3 (Last week: 3" in mail.outbox[0].body
    # Only fictional people get stages, offers and notes.
    assert not Candidacy.objects.filter(candidate__is_fictional=False).exists()
    assert not Offer.objects.filter(candidate__is_fictional=False).exists()
    assert not Activity.objects.filter(candidate__is_fictional=False).exists()
    assert Candidacy.objects.filter(candidate__full_name__startswith="Fictional Candidate").count() == 13


def test_demo_history_twice_changes_nothing(demo, settings):
    from crm.models import StageChange

    counts = (StageChange.objects.count(), Offer.objects.count(), Activity.objects.count())
    week = demo_report_week()

    call_command("demo_setup", "--skip-import", stdout=StringIO())

    assert (StageChange.objects.count(), Offer.objects.count(), Activity.objects.count()) == counts
    assert demo_report_week() == week
