"""ISO weeks in the configured time zone."""

from datetime import UTC, date, datetime

import pytest

from crm.reports.weeks import Week, week_last_complete
from talent.errors import DomainError


def test_week_boundaries_are_local_midnights():
    week = Week.parse("2026-W48")

    assert (week.start_on, week.end_on) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week.start_at.isoformat() == "2026-11-23T00:00:00+08:00"
    assert week.end_at.astimezone(UTC) == datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
    assert str(week) == "2026-W48" and week.previous() == Week(2026, 47) and week.shifted(5) == Week(2026, 53) and week.shifted(6) == Week(2027, 1)


def test_week_containing_reads_the_local_date():
    sunday_1630_utc = datetime(2026, 11, 22, 16, 30, tzinfo=UTC)  # Monday 00:30 in Shanghai

    assert Week.containing(sunday_1630_utc) == Week(2026, 48)
    assert week_last_complete(datetime(2026, 11, 30, 0, 0, 8, tzinfo=UTC)) == Week(2026, 48)


def test_week_containing_in_another_zone(settings):
    settings.TIME_ZONE = "America/New_York"

    assert Week.containing(datetime(2026, 11, 23, 3, 0, tzinfo=UTC)) == Week(2026, 47)  # Sunday 22:00 there
    assert Week(2026, 11).start_at.utcoffset().total_seconds() == -4 * 3600  # after the March DST switch


def test_week_parse_accepts_common_spellings_and_refuses_others():
    assert Week.parse("2026w8") == Week(2026, 8) == Week.parse(" 2026-W08 ")
    assert Week.parse("2026-W53") == Week(2026, 53)  # 2026 has 53 ISO weeks
    for bad in ("2025-W53", "2026-48", "W48", "", "2026-W00"):
        with pytest.raises(DomainError):
            Week.parse(bad)


def test_iso_year_differs_from_the_calendar_year_at_new_year():
    assert Week.of(date(2027, 1, 1)) == Week(2026, 53)
    assert Week.of(date(2025, 12, 29)) == Week(2026, 1)
