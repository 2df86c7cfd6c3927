"""The weekly report's numbers, computed in SQL: :func:`report_figures`.

Every figure is an aggregate or a row query in the database (ORM aggregates with
``Count(filter=...)``, window functions, and three raw SQL statements where the ORM cannot
nest aggregates, compute a median or rank inside a union); no Python loop runs over events. A batch of
managers (:func:`reports_figures`) takes a constant number of queries (about 16), whatever
the number of managers, openings, candidacies or events; one manager alone is a batch of
one (:func:`report_figures`).

**Reproducible.** Each figure is read from history as of the end of the reported week
(``week.end_at``, the next Monday 00:00 local time): stage moves (``StageChange``), offer
status moves (``OfferStatusChange``, through :mod:`crm.reports.hooks`), placements
(``Placement.created_at``), activities (``occurred_at``, ``due_at``, ``completed_at``). Events
after the week's end change nothing, so a past week recomputed later gives the same
numbers. Three inputs are read as they are now, not as they were: which openings are in
the manager's scope and their status (:mod:`crm.reports.team`), an opening's fee %, and
the stored fit scores (best-fit candidates are a current suggestion, not history).

**Definitions** (a week is ``[week.start_at, week.end_at)``, :mod:`crm.reports.weeks`):

* *new candidacies*: first stage changes (``from_stage = ""``, a candidacy's creation);
* *submissions*, *interviews*, *placements*: moves into ``submitted``, ``interviewing``,
  ``placed`` (a reopen back into a stage is not counted);
* *offers extended*, *offers accepted*: offer status moves to ``extended``, ``accepted``,
  of offers tied to a candidacy of the scope;
* *fees projected*: at the week's end, every open (extended) offer's year-1 cash x its
  opening's fee % (:func:`crm.services.placement_fee`), summed in ``BASE_CURRENCY``;
* *fees booked*: fees of placements recorded (``Placement.created_at``) in the week;
* money is converted with :func:`crm.fx.fx_quote` at the week's last day (Sunday), or at
  the latest fixing loaded when the rates have not been refreshed since; an amount whose
  currency has no rate is shown apart, unconverted, never as 0;
* *funnel*: per opening, the candidacies that had reached each forward stage by the week's
  end (the furthest stage of their history; rejected and withdrawn candidacies count
  for the stages they reached), and the conversion from each stage to the next;
* *median days in stage*: over the stays that ended during the week (the candidacy moved
  on), the median time between entering the stage and leaving it; passing through a stage
  in a multi-step advance (under :data:`PASS_THROUGH_SECONDS`) is not a stay;
* *stale*: candidacies in an open stage at the week's end with neither a stage move nor
  an activity for ``CRM_REPORT_STALE_DAYS`` days before it;
* *offers pending*: offers open at the week's end with a deadline in the 7 days that
  follow (the new week, Monday to Sunday);
* *follow-ups overdue*: activities due before the week's end and not completed by then,
  per recruiter (the candidacy's owner, else whoever logged the follow-up);
* *best fits*: the best stored fit scores (not excluded, above 0) of each active opening
  whose candidate has no candidacy in it and has not refused consent;
* *no movement*: active openings without a stage move in the week.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from djmoney.money import Money

from talent.conf import setting as talent_setting
from talent.models import Candidate
from talent.money import round_money

from ..conf import setting
from ..fx import MissingFxRate, fx_latest_fixing_on, fx_quote
from ..models import Activity, Candidacy, FitScore, Placement, StageChange
from ..pipeline import FORWARD, OPEN
from .hooks import offer_figures
from .team import (
    ACTIVE_OPENING_STATUSES,
    SCOPE_JOIN_SQL,
    SCOPE_MANAGER_SQL,
    managers_openings,
    report_manager_expression,
)
from .weeks import Week, report_zone

Stage = Candidacy.Stage

#: Payload layout version (stored with each report; bump when the shape changes).
PAYLOAD_VERSION = 1

#: Headline figures in the order they are shown. Counts first, then money.
COUNT_KEYS: tuple[str, ...] = (
    "new_candidacies", "submissions", "interviews", "offers_extended", "offers_accepted", "placements")
MONEY_KEYS: tuple[str, ...] = ("fees_projected", "fees_booked")

#: Which stage changes each stage-based headline counts.
STAGE_COUNTS: dict[str, Q] = {
    "new_candidacies": Q(from_stage=""),
    "submissions": Q(to_stage=Stage.SUBMITTED, is_reopen=False),
    "interviews": Q(to_stage=Stage.INTERVIEWING, is_reopen=False),
    "placements": Q(to_stage=Stage.PLACED, is_reopen=False),
}

#: Days an offer deadline is looked ahead from the week's end (the new week).
DEADLINE_DAYS = 7
#: A stay shorter than this is a pass-through, not a stay: a candidacy advanced several
#: steps at once (``candidacy_advance``, an offer extended from ``submitted``) records each
#: intermediate stage within milliseconds. Those would pull every median towards 0 days.
PASS_THROUGH_SECONDS = 60


def counts_as(from_stage: str, to_stage: str, is_reopen: bool) -> str:
    """Return the headline a stage change counts in (a key of :data:`STAGE_COUNTS`), or ``""``.

    The same rule as :data:`STAGE_COUNTS`, for one row (the CSV's ``counts_as`` column).
    """
    if from_stage == "":
        return "new_candidacies"
    if is_reopen:
        return ""
    return {Stage.SUBMITTED: "submissions", Stage.INTERVIEWING: "interviews", Stage.PLACED: "placements"}.get(to_stage, "")


# --- money -------------------------------------------------------------------------------


@dataclass
class BaseConverter:
    """Converts per-currency totals into ``BASE_CURRENCY`` (one :func:`crm.fx.fx_quote` per currency and date, cached).

    Make one per run and pass it to every :func:`report_figures` call of the run.
    """

    base: str = field(default_factory=lambda: talent_setting("BASE_CURRENCY"))
    _quotes: dict = field(default_factory=dict)
    _latest: Any = None
    _latest_read: bool = False

    def fx_on(self, day: date) -> date:
        """The fixing date to convert at for ``day``: ``day``, or the latest fixing loaded when that is earlier."""
        if not self._latest_read:
            self._latest, self._latest_read = fx_latest_fixing_on(), True
        return min(day, self._latest) if self._latest else day

    def total(self, amounts: dict[str, Decimal], day: date) -> dict:
        """Sum ``{currency: amount}`` in the base currency as of ``day``.

        Returns:
            ``{"amount": "575000.00", "currency": "CNY", "unconverted": {"USD": "10.00"},
            "rates": [{"currency": "USD", "rate": "7.1", "fixed_on": "2026-10-30"}]}``: the
            total rounded once (half-up, minor unit), the amounts without a rate, and the
            rates used.
        """
        on = self.fx_on(day)
        total = Decimal(0)
        unconverted: dict[str, str] = {}
        rates = []
        for currency in sorted(amounts):
            amount = amounts[currency] or Decimal(0)
            if currency == self.base:
                total += amount
                continue
            key = (currency, on)
            if key not in self._quotes:
                try:
                    self._quotes[key] = fx_quote(currency, self.base, on)
                except MissingFxRate:
                    self._quotes[key] = None
            quote = self._quotes[key]
            if quote is None:
                unconverted[currency] = str(amount)
                continue
            total += amount * quote.rate
            rates.append({"currency": currency, "rate": f"{quote.rate:.6f}", "fixed_on": quote.fixed_on.isoformat()})
        return {"amount": str(round_money(Money(total, self.base)).amount), "currency": self.base,
                "unconverted": unconverted, "rates": rates}


# --- helpers -----------------------------------------------------------------------------


def _local(moment: datetime | None) -> str:
    """An aware datetime as local ISO text (``2026-11-23T00:30:00+08:00``); ``""`` for ``None``."""
    return moment.astimezone(report_zone()).isoformat() if moment else ""


def _sql_params(*values: Any) -> list[Any]:
    """Adapt datetimes for a raw query (SQLite keeps UTC text; PostgreSQL takes them as they are)."""
    ops = connection.ops
    return [ops.adapt_datetimefield_value(v) if isinstance(v, datetime) else v for v in values]


def _in(ids: list[int]) -> str:
    return ", ".join(["%s"] * len(ids))


def _rank_case(column: str) -> str:
    """SQL giving a forward stage's rank (sourced 0 ... placed 6; rejected, withdrawn -1), from :data:`FORWARD`."""
    whens = " ".join(f"WHEN '{stage}' THEN {rank}" for rank, stage in enumerate(FORWARD))
    return f"CASE {column} {whens} ELSE -1 END"


def _users(ids) -> dict[int, str]:
    """User ids to display names (full name, else username), one query."""
    users = get_user_model().objects.filter(pk__in=[i for i in ids if i is not None])
    return {u.pk: (u.get_full_name() or u.get_username()) for u in users}


# --- the figures, for a batch of managers -------------------------------------------------------
#
# Every query covers the openings of all the managers of a batch at once and groups by
# opening (or by manager, where a figure cannot be summed: medians); the Python that
# follows only folds those grouped rows (a few per opening) into each manager's report.
# One manager alone is a batch of one: the same queries.


def _trend_by_opening(ids: list[int], weeks: list[Week]) -> dict[int, dict[str, list[int]]]:
    """Stage-based counts per opening and week (one scan of the trend's stage changes)."""
    if not ids:
        return {}
    aggregates = {
        f"{key}_{i}": Count("id", filter=q & Q(changed_at__gte=w.start_at, changed_at__lt=w.end_at))
        for key, q in STAGE_COUNTS.items() for i, w in enumerate(weeks)
    }
    rows = (StageChange.objects.filter(candidacy__opening_id__in=ids, changed_at__gte=weeks[0].start_at,
                                       changed_at__lt=weeks[-1].end_at)
            .values("candidacy__opening_id").annotate(**aggregates).order_by())
    return {r["candidacy__opening_id"]: {key: [r[f"{key}_{i}"] for i in range(len(weeks))] for key in STAGE_COUNTS}
            for r in rows}


def _fees_booked(ids: list[int], week: Week) -> list[dict]:
    """Fees of placements recorded in ``week`` (``this``) and the week before (``last``), per opening and currency."""
    if not ids:
        return []
    return list(Placement.objects.filter(candidacy__opening_id__in=ids, created_at__gte=week.previous().start_at,
                                         created_at__lt=week.end_at)
                .values("candidacy__opening_id", "fee_currency")
                .annotate(this=Sum("fee", filter=Q(created_at__gte=week.start_at)),
                          last=Sum("fee", filter=Q(created_at__lt=week.start_at)))
                .order_by())


def _funnel(ids: list[int], week: Week) -> dict[int, dict]:
    """Per opening: candidacies that reached each forward stage by the week's end, and stage moves in the week."""
    if not ids:
        return {}
    sc, cy = StageChange._meta.db_table, Candidacy._meta.db_table
    reached = ", ".join(f"SUM(CASE WHEN m.top >= {rank} THEN 1 ELSE 0 END)" for rank in range(len(FORWARD)))
    sql = f"""
        SELECT m.opening_id, {reached}, SUM(m.moves)
        FROM (
            SELECT sc.candidacy_id, c.opening_id,
                   MAX({_rank_case("sc.to_stage")}) AS top,
                   SUM(CASE WHEN sc.changed_at >= %s THEN 1 ELSE 0 END) AS moves
            FROM {sc} sc JOIN {cy} c ON c.id = sc.candidacy_id
            WHERE c.opening_id IN ({_in(ids)}) AND sc.changed_at < %s
            GROUP BY sc.candidacy_id, c.opening_id
        ) m
        GROUP BY m.opening_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, _sql_params(week.start_at, *ids, week.end_at))
        rows = cursor.fetchall()
    return {row[0]: {"reached": [int(v or 0) for v in row[1:-1]], "moves": int(row[-1] or 0)} for row in rows}


def _median_days(ids: list[int], week: Week, *, portable: bool = False) -> dict[int, dict[str, dict]]:
    """Per manager and open stage: the median days of the stays that ended in the week, and their number.

    ``ids``: the openings of the batch; each is attributed to its manager with
    :data:`crm.reports.team.SCOPE_MANAGER_SQL`. PostgreSQL: ``percentile_cont(0.5)``.
    Elsewhere (SQLite), or with ``portable``: the same median in plain SQL with window
    functions (the middle row, or the mean of the two middle rows, of each ordered group).

    Returns:
        ``{manager_id: {stage: {"median_days": float (2 decimals), "stays": int}}}``.
    """
    if not ids:
        return {}
    sc, cy = StageChange._meta.db_table, Candidacy._meta.db_table
    postgres = connection.vendor == "postgresql"
    days = ("EXTRACT(EPOCH FROM (left_at - entered_at)) / 86400.0" if postgres
            else "(julianday(left_at) - julianday(entered_at))")
    stages = ", ".join(f"'{s}'" for s in OPEN)
    head = f"""
        WITH moved AS (
            SELECT DISTINCT sc.candidacy_id FROM {sc} sc JOIN {cy} c ON c.id = sc.candidacy_id
            WHERE c.opening_id IN ({_in(ids)}) AND sc.changed_at >= %s AND sc.changed_at < %s
        ), stays AS (
            SELECT sc.candidacy_id, sc.to_stage AS stage, sc.changed_at AS entered_at,
                   LEAD(sc.changed_at) OVER (PARTITION BY sc.candidacy_id ORDER BY sc.changed_at, sc.id) AS left_at
            FROM {sc} sc WHERE sc.candidacy_id IN (SELECT candidacy_id FROM moved) AND sc.changed_at < %s
        ), spans AS (
            SELECT {SCOPE_MANAGER_SQL} AS manager_id, stays.stage, {days} AS days
            FROM stays JOIN {cy} c ON c.id = stays.candidacy_id {SCOPE_JOIN_SQL}
            WHERE left_at >= %s AND left_at < %s AND stays.stage IN ({stages})
              AND {days} >= {PASS_THROUGH_SECONDS / 86400.0!r}
        )
    """
    if postgres and not portable:
        tail = """SELECT manager_id, stage, percentile_cont(0.5) WITHIN GROUP (ORDER BY days), COUNT(*)
                  FROM spans GROUP BY manager_id, stage"""
    else:
        tail = """, ranked AS (
                      SELECT manager_id, stage, days,
                             ROW_NUMBER() OVER (PARTITION BY manager_id, stage ORDER BY days) AS rn,
                             COUNT(*) OVER (PARTITION BY manager_id, stage) AS n
                      FROM spans)
                  SELECT manager_id, stage, AVG(days), MAX(n) FROM ranked
                  WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY manager_id, stage"""
    params = _sql_params(*ids, week.start_at, week.end_at, week.end_at, week.start_at, week.end_at)
    with connection.cursor() as cursor:
        cursor.execute(head + tail, params)
        rows = cursor.fetchall()
    result: dict[int, dict[str, dict]] = {}
    for manager_id, stage, median, n in rows:
        result.setdefault(manager_id, {})[stage] = {"median_days": round(float(median), 2), "stays": int(n)}
    return result


def _stale(ids: list[int], week: Week, days: int) -> list[dict]:
    """Candidacies in an open stage at the week's end, idle (no stage move, no activity) for ``days`` days.

    A candidacy's stage at the week's end is its current stage when it has not moved since
    (``Candidacy.stage``/``stage_changed_at``, written by :mod:`crm.pipeline` in the same
    transaction as each ``StageChange``), else the last move of its history before the end
    (a window function over those few candidacies only). Its last activity before the end
    comes from a ``GROUP BY``. It is kept when its stage is open and both are older than
    the cut-off.
    """
    if not ids:
        return []
    cutoff = week.end_at - timedelta(days=days)
    sc, cy, act = StageChange._meta.db_table, Candidacy._meta.db_table, Activity._meta.db_table
    candidates = Candidacy._meta.get_field("candidate").related_model._meta.db_table
    stages = ", ".join(f"'{s}'" for s in OPEN)
    sql = f"""
        WITH last AS (
            SELECT c.id AS candidacy_id, c.opening_id, c.owner_id, c.candidate_id, c.stage AS to_stage,
                   c.stage_changed_at AS changed_at, 1 AS rn
            FROM {cy} c WHERE c.opening_id IN ({_in(ids)}) AND c.stage_changed_at < %s
            UNION ALL
            SELECT sc.candidacy_id, c.opening_id, c.owner_id, c.candidate_id, sc.to_stage, sc.changed_at,
                   ROW_NUMBER() OVER (PARTITION BY sc.candidacy_id ORDER BY sc.changed_at DESC, sc.id DESC) AS rn
            FROM {sc} sc JOIN {cy} c ON c.id = sc.candidacy_id
            WHERE c.opening_id IN ({_in(ids)}) AND c.stage_changed_at >= %s AND sc.changed_at < %s
        ), touched AS (
            SELECT a.candidacy_id, MAX(a.occurred_at) AS at
            FROM {act} a JOIN {cy} c ON c.id = a.candidacy_id
            WHERE c.opening_id IN ({_in(ids)}) AND a.occurred_at < %s
            GROUP BY a.candidacy_id
        )
        SELECT last.candidacy_id, last.opening_id, last.to_stage, {_epoch("last.changed_at")}, last.owner_id,
               cand.full_name, cand.native_name, {_epoch("touched.at")}
        FROM last JOIN {candidates} cand ON cand.id = last.candidate_id
        LEFT JOIN touched ON touched.candidacy_id = last.candidacy_id
        WHERE last.rn = 1 AND last.to_stage IN ({stages}) AND last.changed_at < %s
          AND (touched.at IS NULL OR touched.at < %s)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, _sql_params(*ids, week.end_at, *ids, week.end_at, week.end_at, *ids, week.end_at,
                                        cutoff, cutoff))
        rows = cursor.fetchall()
    zone, end = report_zone(), week.end_at
    out = []
    for candidacy_id, opening_id, stage, moved_epoch, owner_id, name, native, activity_epoch in rows:
        moved_at = datetime.fromtimestamp(round(float(moved_epoch), 3), zone)
        activity_at = (datetime.fromtimestamp(round(float(activity_epoch), 3), zone)
                       if activity_epoch is not None else None)
        last = max(moved_at, activity_at or moved_at)
        out.append({
            "candidacy_id": candidacy_id, "opening_id": opening_id, "candidate": name, "native_name": native,
            "stage": stage, "last_move_at": moved_at.isoformat(),
            "last_activity_at": activity_at.isoformat() if activity_at else "",
            "owner_id": owner_id, "idle_days": (end - last).days,
        })
    out.sort(key=lambda r: (-r["idle_days"], r["candidacy_id"]))
    return out


def _epoch(column: str) -> str:
    """SQL reading an aware datetime column as seconds since 1970 (cheap to fetch; ``NULL`` stays ``NULL``)."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})"
    return f"((julianday({column}) - 2440587.5) * 86400.0)"  # SQLite stores UTC text


def _overdue(ids: list[int], week: Week) -> tuple[list[dict], list[dict]]:
    """Follow-ups overdue at the week's end: ``(per manager and recruiter, every follow-up)``."""
    if not ids:
        return [], []
    base = (Activity.objects.filter(candidacy__opening_id__in=ids, due_at__lt=week.end_at, occurred_at__lt=week.end_at)
            .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=week.end_at))
            .annotate(recruiter_id=Coalesce("candidacy__owner_id", "created_by_id"),
                      report_manager_id=report_manager_expression("candidacy__opening__")))
    groups = list(base.values("report_manager_id", "recruiter_id")
                  .annotate(count=Count("id"), oldest_due_at=Min("due_at"))
                  .order_by("report_manager_id", "-count", "recruiter_id"))
    rows = list(base.values("id", "recruiter_id", "subject", "due_at", "candidacy_id", "candidacy__opening_id",
                            "candidacy__candidate__full_name", "candidacy__candidate__native_name")
                .order_by("due_at", "id"))
    return groups, rows


def _best_fits(active_ids: list[int], limit: int) -> list[dict]:
    """The best stored fit scores of each opening whose candidate is not in its pipeline (``limit`` per opening)."""
    if not active_ids or limit <= 0:
        return []
    in_pipeline = Candidacy.objects.filter(candidate_id=OuterRef("candidate_id"), opening_id=OuterRef("opening_id"))
    rows = (FitScore.objects.filter(opening_id__in=active_ids, is_excluded=False, score__gt=0)
            .exclude(candidate__consent_status__in=Candidate.CONSENT_DECLINED)
            .filter(~Exists(in_pipeline))
            .annotate(rank=Window(RowNumber(), partition_by=[F("opening_id")],
                                  order_by=[F("score").desc(), F("candidate_id").asc()]))
            .filter(rank__lte=limit)
            .values("opening_id", "candidate_id", "candidate__full_name", "candidate__native_name", "score",
                    "breakdown", "rank"))
    return sorted(({
        "opening_id": r["opening_id"], "candidate_id": r["candidate_id"], "candidate": r["candidate__full_name"],
        "native_name": r["candidate__native_name"], "score": str(r["score"]), "breakdown": r["breakdown"],
        "rank": r["rank"],
    } for r in rows), key=lambda r: (r["opening_id"], r["rank"]))


def _stage_events(ids: list[int], week: Week) -> list[dict]:
    if not ids:
        return []
    rows = (StageChange.objects.filter(candidacy__opening_id__in=ids, changed_at__gte=week.start_at,
                                       changed_at__lt=week.end_at)
            .values("id", "changed_at", "from_stage", "to_stage", "is_reopen", "candidacy_id",
                    "candidacy__opening_id", "candidacy__candidate__full_name", "candidacy__candidate__native_name",
                    "changed_by_id")
            .order_by("changed_at", "id"))
    return [{
        "kind": "stage_change", "at": _local(r["changed_at"]), "candidacy_id": r["candidacy_id"],
        "opening_id": r["candidacy__opening_id"], "candidate": r["candidacy__candidate__full_name"],
        "native_name": r["candidacy__candidate__native_name"], "from": r["from_stage"], "to": r["to_stage"],
        "is_reopen": r["is_reopen"], "by_id": r["changed_by_id"],
        "counts_as": counts_as(r["from_stage"], r["to_stage"], r["is_reopen"]),
    } for r in rows]


def _placement_events(ids: list[int], week: Week) -> list[dict]:
    if not ids:
        return []
    rows = (Placement.objects.filter(candidacy__opening_id__in=ids, created_at__gte=week.start_at,
                                     created_at__lt=week.end_at)
            .values("id", "created_at", "candidacy_id", "candidacy__opening_id", "candidacy__candidate__full_name",
                    "candidacy__candidate__native_name", "fee", "fee_currency", "year1_cash", "year1_cash_currency",
                    "start_on", "created_by_id")
            .order_by("created_at", "id"))
    return [{
        "kind": "placement", "at": _local(r["created_at"]), "candidacy_id": r["candidacy_id"],
        "opening_id": r["candidacy__opening_id"], "candidate": r["candidacy__candidate__full_name"],
        "native_name": r["candidacy__candidate__native_name"], "from": "", "to": "", "is_reopen": False,
        "by_id": r["created_by_id"], "counts_as": "fees_booked", "amount": str(r["fee"]),
        "currency": r["fee_currency"], "year1_cash": str(r["year1_cash"]), "start_on": r["start_on"].isoformat(),
    } for r in rows]


def _offer_events(provider, ids: list[int], week: Week) -> list[dict]:
    if provider is None or not ids:
        return []
    counted = {"extended": "offers_extended", "accepted": "offers_accepted"}
    return [{"kind": "offer_status", "at": _local(e["at"]), "candidacy_id": e["candidacy_id"],
             "opening_id": e["opening_id"], "candidate": e["candidate"], "native_name": e.get("native_name", ""),
             "from": e["from_status"], "to": e["to_status"], "is_reopen": False, "by_id": e["by_id"],
             "counts_as": counted.get(e["to_status"], ""), "offer_id": e["offer_id"]}
            for e in provider.events(ids, week.start_at, week.end_at)]


def _by_manager(rows, manager_of: dict[int, int], key: str = "opening_id") -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(manager_of[row[key]], []).append(row)
    return grouped


def _sum_by_currency(rows: list[dict], amount_key: str) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for row in rows:
        if row[amount_key] is not None:
            totals[row["currency"]] = totals.get(row["currency"], Decimal(0)) + row[amount_key]
    return totals


def reports_figures(*, managers: list, week: Week, converter: BaseConverter | None = None,
                    now: datetime | None = None) -> dict[int, dict]:
    """Compute the weekly reports of ``managers`` for ``week`` at once: ``{manager id: payload}``.

    About 16 queries for the whole batch, however many managers, openings or events
    (each query covers all their openings and groups by opening or manager). A manager's
    payload is what :func:`report_figures` returns for them alone.
    """
    converter = converter or BaseConverter()
    trend_weeks = max(2, int(setting("CRM_REPORT_TREND_WEEKS")))
    stale_days = int(setting("CRM_REPORT_STALE_DAYS"))
    weeks = [week.shifted(-i) for i in reversed(range(trend_weeks))]
    previous = week.previous()
    provider = offer_figures()
    generated_at = _local(now or timezone.now())

    openings = list(managers_openings([m.pk for m in managers]).values(
        "id", "title", "status", "fee_percent", "company__name", "company__native_name", "report_manager_id"))
    manager_of = {o["id"]: o["report_manager_id"] for o in openings}
    ids = list(manager_of)
    active_ids = [o["id"] for o in openings if o["status"] in ACTIVE_OPENING_STATUSES]

    trend = _trend_by_opening(ids, weeks)
    offer_counts = provider.counts(ids, weeks) if provider and ids else {}
    booked = _fees_booked(ids, week)
    projected_now, projected_before = (provider.projected_fees(ids, [week.end_at, previous.end_at])
                                       if provider and ids else ([], []))
    funnel_rows = _funnel(ids, week)
    medians = _median_days(ids, week)
    stale = _stale(ids, week, stale_days)
    groups, overdue_rows = _overdue(ids, week)
    pending = (provider.pending(ids, week.end_at, week.end_on + timedelta(days=1),
                                week.end_on + timedelta(days=DEADLINE_DAYS)) if provider and ids else [])
    best = _best_fits(active_ids, int(setting("CRM_REPORT_BEST_FIT_PER_OPENING")))
    events = _stage_events(ids, week) + _offer_events(provider, ids, week) + _placement_events(ids, week)
    events.sort(key=lambda e: (e["at"], e["kind"]))
    names = _users({e["by_id"] for e in events} | {g["recruiter_id"] for g in groups}
                   | {s["owner_id"] for s in stale})
    for e in events:
        e["by"] = names.get(e.pop("by_id"), "")
    for s in stale:
        s["owner"] = names.get(s.pop("owner_id"), "")

    openings_of = _by_manager(openings, manager_of, "id")
    stale_of, pending_of, best_of = _by_manager(stale, manager_of), _by_manager(pending, manager_of), \
        _by_manager(best, manager_of)
    events_of = _by_manager(events, manager_of)
    projected_now_of, projected_before_of = _by_manager(projected_now, manager_of), \
        _by_manager(projected_before, manager_of)
    overdue_of = _by_manager(overdue_rows, manager_of, "candidacy__opening_id")
    booked_of = _by_manager(booked, manager_of, "candidacy__opening_id")
    groups_of: dict[int, list] = {}
    for g in groups:
        groups_of.setdefault(g["report_manager_id"], []).append(g)
    zero = [0] * len(weeks)

    payloads = {}
    for manager in managers:
        mine = openings_of.get(manager.pk, [])
        counts = {key: list(zero) for key in COUNT_KEYS}
        for o in mine:
            for source in (trend.get(o["id"], {}), offer_counts.get(o["id"], {})):
                for key, values in source.items():
                    counts[key] = [a + b for a, b in zip(counts[key], values, strict=True)]
        booked_rows = booked_of.get(manager.pk, [])
        money = {
            "fees_projected": (
                converter.total(_sum_by_currency(projected_now_of.get(manager.pk, []), "fee"), week.end_on),
                converter.total(_sum_by_currency(projected_before_of.get(manager.pk, []), "fee"), previous.end_on)),
            "fees_booked": (
                converter.total(_sum_by_currency([{"currency": r["fee_currency"], "fee": r["this"]}
                                                  for r in booked_rows], "fee"), week.end_on),
                converter.total(_sum_by_currency([{"currency": r["fee_currency"], "fee": r["last"]}
                                                  for r in booked_rows], "fee"), previous.end_on)),
        }
        headline = [{"key": key, "this_week": counts[key][-1], "last_week": counts[key][-2]} for key in COUNT_KEYS]
        headline += [{"key": key, "this_week": this, "last_week": last} for key, (this, last) in money.items()]
        funnel, total_reached = [], [0] * len(FORWARD)
        for o in mine:
            data = funnel_rows.get(o["id"], {"reached": [0] * len(FORWARD), "moves": 0})
            total_reached = [a + b for a, b in zip(total_reached, data["reached"], strict=True)]
            if o["status"] in ACTIVE_OPENING_STATUSES or data["moves"]:
                funnel.append({"opening_id": o["id"], "reached": data["reached"], "moves": data["moves"]})
        quiet = [o["id"] for o in mine if o["status"] in ACTIVE_OPENING_STATUSES
                 and not funnel_rows.get(o["id"], {}).get("moves")]
        my_medians = medians.get(manager.pk, {})
        payloads[manager.pk] = {
            "version": PAYLOAD_VERSION,
            "generated_at": generated_at,
            "week": {"label": week.label, "start_on": week.start_on.isoformat(), "end_on": week.end_on.isoformat(),
                     "start_at": _local(week.start_at), "end_at": _local(week.end_at),
                     "time_zone": str(report_zone()), "trend": [w.label for w in weeks]},
            "manager": {"id": manager.pk, "name": manager.get_full_name() or manager.get_username(),
                        "email": manager.email},
            "base_currency": converter.base,
            "offers_tracked": provider is not None,
            "settings": {"stale_days": stale_days, "deadline_days": DEADLINE_DAYS,
                         "list_limit": int(setting("CRM_REPORT_LIST_LIMIT"))},
            "openings": [{"id": o["id"], "title": o["title"], "company": o["company__name"],
                          "company_native": o["company__native_name"], "status": o["status"],
                          "fee_percent": str(o["fee_percent"])} for o in mine],
            "headline": headline,
            "trend": counts,
            "funnel": funnel,
            "funnel_total": total_reached,
            "median_days": [{"stage": s, **my_medians[s]} for s in OPEN if s in my_medians],
            "stale": stale_of.get(manager.pk, []),
            "offers_pending": [{**p, "deadline_on": p["deadline_on"].isoformat(), "year1_cash": str(p["year1_cash"])}
                               for p in pending_of.get(manager.pk, [])],
            "follow_ups": {
                "by_recruiter": [
                    {"recruiter_id": g["recruiter_id"], "recruiter": names.get(g["recruiter_id"], ""),
                     "count": g["count"],
                     "oldest_due_on": timezone.localtime(g["oldest_due_at"], report_zone()).date().isoformat()}
                    for g in groups_of.get(manager.pk, [])],
                "rows": [{"activity_id": r["id"], "recruiter": names.get(r["recruiter_id"], ""),
                          "subject": r["subject"], "due_at": _local(r["due_at"]), "candidacy_id": r["candidacy_id"],
                          "opening_id": r["candidacy__opening_id"], "candidate": r["candidacy__candidate__full_name"],
                          "native_name": r["candidacy__candidate__native_name"]}
                         for r in overdue_of.get(manager.pk, [])],
            },
            "best_fits": best_of.get(manager.pk, []),
            "quiet_openings": quiet,
            "events": events_of.get(manager.pk, []),
            "projected_offers": [{**p, "year1_cash": str(p["year1_cash"]), "fee_percent": str(p["fee_percent"]),
                                  "fee": str(p["fee"])} for p in projected_now_of.get(manager.pk, [])],
        }
    return payloads


def report_figures(*, manager, week: Week, converter: BaseConverter | None = None,
                   now: datetime | None = None) -> dict:
    """Compute the weekly report of ``manager`` for ``week``: a JSON-ready dict (the report's payload).

    Args:
        manager: A user (their scope: :func:`crm.reports.team.manager_openings`).
        week: The reported week; figures are read as of its end.
        converter: Shared by the reports of one run so each exchange rate is read once.
        now: When the figures are computed (stored as ``generated_at``; default now).

    Returns:
        ``{"version", "generated_at", "week", "manager", "base_currency", "offers_tracked",
        "settings", "openings", "headline", "trend", "funnel", "funnel_total",
        "median_days", "stale", "offers_pending", "follow_ups", "best_fits",
        "quiet_openings", "events", "projected_offers"}``; amounts are strings (Decimal),
        times local ISO text, stages and statuses their codes (labels are the renderer's).
        Every headline number has its underlying rows in ``events`` (``counts_as``) or
        ``projected_offers``, which the CSV lists.
    """
    return reports_figures(managers=[manager], week=week, converter=converter, now=now)[manager.pk]
