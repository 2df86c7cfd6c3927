"""ISO weeks in the configured time zone: the one home of a report week's boundaries.

A report week is an ISO 8601 week (Monday to Sunday) of local dates in
``settings.TIME_ZONE`` (Asia/Shanghai by default). Its boundaries are aware datetimes at
local midnight: an event belongs to the week when ``start_at <= event < end_at``, so an
event at 00:30 on a Monday, local time, belongs to the new week, whatever its UTC date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from talent.errors import DomainError

_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


def report_zone() -> ZoneInfo:
    """The zone weeks are cut in: ``settings.TIME_ZONE``."""
    return _zone(settings.TIME_ZONE)


@lru_cache(maxsize=8)
def _zone(key: str) -> ZoneInfo:
    return ZoneInfo(key)


@dataclass(frozen=True, order=True)
class Week:
    """One ISO week: ``Week(2026, 48)`` is Monday 2026-11-23 to Sunday 2026-11-29.

    Attributes:
        year: The ISO year (may differ from the calendar year around New Year).
        number: The ISO week number, 1 to 52 or 53.
    """

    year: int
    number: int

    def __post_init__(self) -> None:
        date.fromisocalendar(self.year, self.number, 1)  # ValueError for week 53 of a 52-week year

    @classmethod
    def of(cls, day: date) -> Week:
        """The week containing the local date ``day``."""
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def containing(cls, moment: datetime) -> Week:
        """The week containing the aware ``moment`` (read as a local date in ``settings.TIME_ZONE``)."""
        return cls.of(timezone.localtime(moment, report_zone()).date())

    @classmethod
    def parse(cls, text: str) -> Week:
        """Parse ``"2026-W48"`` (also ``2026W48``, ``2026-w8``).

        Raises:
            DomainError: Not in that form, or the year has no such week.
        """
        match = _WEEK.match(text or "")
        if match:
            try:
                return cls(int(match.group(1)), int(match.group(2)))
            except ValueError:
                pass
        raise DomainError(_("“%(text)s” is not an ISO week such as 2026-W48.") % {"text": text},
                          fields={"week": [_("Give an ISO week such as 2026-W48.")]})

    @property
    def start_on(self) -> date:
        """The Monday (local date)."""
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def end_on(self) -> date:
        """The Sunday (local date), the week's last day."""
        return self.start_on + timedelta(days=6)

    @property
    def start_at(self) -> datetime:
        """Monday 00:00 local time, aware: the first instant of the week."""
        return datetime.combine(self.start_on, time.min, tzinfo=report_zone())

    @property
    def end_at(self) -> datetime:
        """The next Monday 00:00 local time, aware: the first instant after the week."""
        return datetime.combine(self.start_on + timedelta(days=7), time.min, tzinfo=report_zone())

    @property
    def label(self) -> str:
        """``"2026-W48"``."""
        return f"{self.year}-W{self.number:02d}"

    def shifted(self, weeks: int) -> Week:
        """The week ``weeks`` later (negative: earlier)."""
        return Week.of(self.start_on + timedelta(weeks=weeks))

    def previous(self) -> Week:
        """The week before."""
        return self.shifted(-1)

    def __str__(self) -> str:
        return self.label


def week_last_complete(now: datetime | None = None) -> Week:
    """The last week that has ended by ``now`` (default: now): on Monday 08:00, the week before."""
    return Week.containing(now or timezone.now()).previous()
