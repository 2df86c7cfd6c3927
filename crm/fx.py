"""Exchange rates: the one home of converting money between currencies for a date.

Every conversion in the project goes through :func:`fx_quote` (compensation's offer
comparison, Decimal) or its rates (scoring's array path, which turns each quote's Decimal
rate into a float once per currency and batch). It lives in crm, the lowest app that
converts money, so that both crm and compensation import it.

Source: the European Central Bank's euro foreign exchange reference rates
(``crm/data/fx/eurofxref-hist.csv``, see the README there). Each row is one
TARGET business day; each cell is how many units of a currency one euro bought at the
14:15 CET fixing. The file has a trailing comma on every line, ``N/A`` where a currency
was not fixed (CNY before 2005-04-01, currencies replaced by the euro), and no rows for
weekends and TARGET holidays.

* :func:`ecb_history_load` reads the file into :class:`~crm.models.FxRate` (bulk,
  idempotent).
* :func:`fx_quote` gives the rate between two currencies on a date: the fixing of that
  date, or of the latest business day before it (at most
  ``settings.CRM_FX_MAX_STALENESS_DAYS`` calendar days back); cross rates go
  through the euro: USD->CNY = (CNY per EUR) / (USD per EUR).
* :func:`fx_default_on` is the date a conversion uses when the caller names none: today,
  or the latest fixing loaded when the rates have not been refreshed since.
* A rate that is not there raises :class:`MissingFxRate`; it is never taken as 0 or 1.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from talent.errors import DomainError

from .conf import setting

EUR = "EUR"
ECB_SOURCE = "ECB"
#: Digits kept by every intermediate Decimal result (amounts of 1e14 with 30+ decimals to
#: spare), so that money is rounded once, where it is shown. Valuation uses it too.
PRECISION = 50


@contextlib.contextmanager
def exact() -> Iterator[None]:
    """Run the block in a 50-digit Decimal context, so intermediates are effectively exact."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        yield


class MissingFxRate(DomainError):
    """No fixing for ``currency`` on ``on`` or the business days before it."""

    def __init__(self, currency: str, on: date, source: str = ECB_SOURCE) -> None:
        message = _(
            "No %(source)s exchange rate for %(currency)s on %(date)s or the business days before it; "
            "load the rates with “manage.py load_fx_rates”."
        ) % {"source": source, "currency": currency, "date": on.isoformat()}
        super().__init__(message, fields={"currency": [message]})
        self.currency = currency
        self.on = on


@dataclass(frozen=True)
class FxQuote:
    """The rate to convert ``from_currency`` into ``to_currency``, and where it came from.

    Attributes:
        rate: Units of ``to_currency`` per one unit of ``from_currency`` (unrounded Decimal).
        requested_on: The date the conversion was asked for.
        fixed_on: The fixing date used (``requested_on`` or the business day before).
        source: ``"ECB"``.
        from_per_eur, to_per_eur: The two euro legs (1 for EUR itself).
    """

    from_currency: str
    to_currency: str
    rate: Decimal
    requested_on: date
    fixed_on: date
    source: str
    from_per_eur: Decimal
    to_per_eur: Decimal

    def explanation(self) -> str:
        """A sentence stating the rate, its date and source."""
        return _(
            "Converted at 1 %(from)s = %(rate)s %(to)s, the %(source)s reference rate of %(fixed)s "
            "(%(to_leg)s %(to)s and %(from_leg)s %(from)s per euro)."
        ) % {
            "from": self.from_currency, "to": self.to_currency, "rate": f"{self.rate:.6f}",
            "source": self.source, "fixed": self.fixed_on.isoformat(),
            "to_leg": _plain(self.to_per_eur), "from_leg": _plain(self.from_per_eur),
        }


def _plain(value: Decimal) -> str:
    """``Decimal("7.4326000000")`` -> ``"7.4326"``; ``Decimal("136.0000")`` -> ``"136"`` (no exponent)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def cross_rate(from_per_eur: Decimal, to_per_eur: Decimal) -> Decimal:
    """Return units of the target per unit of the source, through the euro (unrounded).

    USD->CNY with 1 EUR = 1.1172 USD and 7.4326 CNY: 7.4326 / 1.1172 = 6.6528...
    """
    with exact():
        return to_per_eur / from_per_eur


def fx_quote(from_currency: str, to_currency: str, on: date, *, source: str = ECB_SOURCE) -> FxQuote | None:
    """Return the quote converting ``from_currency`` to ``to_currency`` as of ``on``.

    Both legs are taken from the same fixing date: the latest on or before ``on`` (within
    ``settings.CRM_FX_MAX_STALENESS_DAYS``) that has every non-euro currency
    needed. A Saturday or Sunday therefore uses Friday's fixing.

    Returns:
        ``None`` when the currencies are the same (nothing to convert).

    Raises:
        MissingFxRate: Names the currency and date that have no fixing.
    """
    from .models import FxRate

    if from_currency == to_currency:
        return None
    needed = sorted({c for c in (from_currency, to_currency) if c != EUR})
    window = timedelta(days=setting("CRM_FX_MAX_STALENESS_DAYS"))
    rows = FxRate.objects.filter(source=source, currency__in=needed, rate_on__lte=on,
                                 rate_on__gte=on - window).values_list("rate_on", "currency", "rate_per_eur")
    by_date: dict[date, dict[str, Decimal]] = {}
    for rate_on, currency, rate in rows:
        by_date.setdefault(rate_on, {})[currency] = rate
    complete = [d for d, legs in by_date.items() if all(c in legs for c in needed)]
    if not complete:
        missing = next((c for c in needed if not any(c in legs for legs in by_date.values())), needed[0])
        raise MissingFxRate(missing, on, source)
    fixed_on = max(complete)
    legs = by_date[fixed_on]
    from_leg = legs.get(from_currency, Decimal(1))
    to_leg = legs.get(to_currency, Decimal(1))
    return FxQuote(from_currency=from_currency, to_currency=to_currency, rate=cross_rate(from_leg, to_leg),
                   requested_on=on, fixed_on=fixed_on, source=source, from_per_eur=from_leg, to_per_eur=to_leg)


# --- Loading the ECB history ----------------------------------------------------------

@dataclass(frozen=True)
class EcbRow:
    """One fixing of one currency from the ECB file."""

    rate_on: date
    currency: str
    rate_per_eur: Decimal


@dataclass(frozen=True)
class LoadResult:
    """What a load did: rows read, rows new in the table, the latest fixing date and its currencies."""

    rows_read: int
    rows_created: int
    latest_on: date | None
    latest_currencies: int


def ecb_history_parse(lines: Iterable[str]) -> Iterator[EcbRow]:
    """Yield the fixings of an ECB ``eurofxref-hist.csv``: one per date and currency with a rate.

    The header is ``Date,USD,JPY,...,`` (trailing comma: an empty last column, ignored);
    ``N/A`` and empty cells are skipped, not read as 0.

    Raises:
        ValueError: The header does not start with ``Date``, or a date or rate is malformed
            (the message names the line).
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if not header or header[0].strip() != "Date":
        raise ValueError("Not an ECB reference-rate history: the first column must be 'Date'.")
    currencies = [c.strip() for c in header[1:]]
    for line_no, cells in enumerate(reader, start=2):
        if not cells or not cells[0].strip():
            continue
        try:
            rate_on = date.fromisoformat(cells[0].strip())
        except ValueError as exc:
            raise ValueError(f"Line {line_no}: bad date {cells[0]!r}") from exc
        for currency, cell in zip(currencies, cells[1:], strict=False):
            cell = cell.strip()
            if not currency or not cell or cell == "N/A":
                continue
            try:
                rate = Decimal(cell)
            except InvalidOperation as exc:
                raise ValueError(f"Line {line_no}: bad rate {cell!r} for {currency}") from exc
            if not rate.is_finite() or rate <= 0:
                raise ValueError(f"Line {line_no}: rate {cell!r} for {currency} is not positive")
            yield EcbRow(rate_on, currency, rate)


BATCH_SIZE = 5000  # ~30 ms per batch on SQLite; the full 1.9 MB file is ~200k rows


def ecb_history_load(path: str | Path, *, source: str = ECB_SOURCE) -> LoadResult:
    """Load an ECB history file into ``FxRate``.

    Idempotent: existing (source, currency, date) rows are kept (``ignore_conflicts``).

    Raises:
        ValueError: The file is not in the ECB format (see :func:`ecb_history_parse`).
        OSError: The file cannot be read.
    """
    from .models import FxRate

    before = FxRate.objects.filter(source=source).count()
    read = 0
    latest_on: date | None = None
    latest: dict[str, Decimal] = {}
    batch: list[FxRate] = []
    with transaction.atomic():
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in ecb_history_parse(handle):
                read += 1
                if latest_on is None or row.rate_on > latest_on:
                    latest_on, latest = row.rate_on, {}
                if row.rate_on == latest_on:
                    latest[row.currency] = row.rate_per_eur
                batch.append(FxRate(rate_on=row.rate_on, currency=row.currency, rate_per_eur=row.rate_per_eur, source=source))
                if len(batch) >= BATCH_SIZE:
                    FxRate.objects.bulk_create(batch, ignore_conflicts=True)
                    batch = []
        FxRate.objects.bulk_create(batch, ignore_conflicts=True)
    created = FxRate.objects.filter(source=source).count() - before
    return LoadResult(rows_read=read, rows_created=created, latest_on=latest_on, latest_currencies=len(latest))


def fx_latest_fixing_on(*, source: str = ECB_SOURCE) -> date | None:
    """The date of the latest fixing loaded from ``source``, or ``None`` when nothing is loaded."""
    from django.db.models import Max

    from .models import FxRate

    return FxRate.objects.filter(source=source).aggregate(latest=Max("rate_on"))["latest"]


def default_history_path() -> Path:
    """The ECB file shipped with the project (``settings.CRM_FX_FILE``)."""
    return Path(setting("CRM_FX_FILE"))


def fx_default_on(*, source: str = ECB_SOURCE) -> date:
    """Return the date a conversion uses when the caller names none.

    Today (local date), or the latest fixing loaded when that is earlier: rates are loaded
    from a file, so between two loads "today" has no fixing and the latest one is the best
    estimate. With nothing loaded, today (and a conversion raises :class:`MissingFxRate`).
    """
    today = timezone.localdate()
    latest = fx_latest_fixing_on(source=source)
    return min(today, latest) if latest else today
