"""Turn a report's figures (its stored payload) into what is sent: subject, HTML, text, CSV, charts.

Pure functions of the payload and a language: the same payload renders to the same HTML,
text and CSV (their hash is stored with the report), which is what lets a report be sent
again exactly as first rendered. The three formats are built from one context
(:func:`report_context`), so they show the same numbers.

* HTML (``crm/reports/weekly_report.html``): tables only, every style inline (mail
  clients drop ``<style>`` blocks and external CSS), 640 px wide, the two charts as inline
  images referenced by ``cid:``.
* Text (``crm/reports/weekly_report.txt``): the same sections and numbers.
* CSV: every underlying row (the events each headline counts, the open offers behind the
  projected fees, the funnel, stale candidacies, pending offers, overdue follow-ups, best
  fits), UTF-8 with a byte-order mark so Excel reads Chinese names, and every text cell
  that a spreadsheet would run as a formula neutralised.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Candidacy
from ..pipeline import FORWARD
from ..scoring.render import breakdown_render
from . import charts
from .selectors import COUNT_KEYS

Stage = Candidacy.Stage

HEADLINE_LABELS = {
    "new_candidacies": gettext_lazy("New candidacies"),
    "submissions": gettext_lazy("Submissions to clients"),
    "interviews": gettext_lazy("Interviews (moved to interviewing)"),
    "offers_extended": gettext_lazy("Offers extended"),
    "offers_accepted": gettext_lazy("Offers accepted"),
    "placements": gettext_lazy("Placements"),
    "fees_projected": gettext_lazy("Fees projected (open offers × fee %)"),
    "fees_booked": gettext_lazy("Fees booked (placements recorded)"),
}
#: Series of the trend chart (the stage-based counts and offers).
TREND_KEYS = ("new_candidacies", "submissions", "interviews", "offers_extended", "placements")

OFFER_STATUS_LABELS = {
    "draft": gettext_lazy("Draft"), "extended": gettext_lazy("Extended"), "accepted": gettext_lazy("Accepted"),
    "declined": gettext_lazy("Declined"), "expired": gettext_lazy("Expired"), "withdrawn": gettext_lazy("Withdrawn"),
}

#: Inline styles, the one home of the e-mail's look (mail clients ignore <style> blocks).
STYLES = {
    "body": "margin:0;padding:0;background:#f4f5f7;",
    "wrap": "width:640px;max-width:100%;margin:0 auto;background:#ffffff;font-family:Arial,'PingFang SC',"
            "'Microsoft YaHei','Noto Sans CJK SC',sans-serif;font-size:14px;line-height:1.45;color:#1f2933;",
    "pad": "padding:16px 24px;",
    "h1": "margin:0 0 4px 0;font-size:20px;font-weight:bold;color:#102a43;",
    "h2": "margin:20px 0 8px 0;font-size:16px;font-weight:bold;color:#102a43;border-bottom:2px solid #0072B2;"
          "padding-bottom:4px;",
    "muted": "color:#627d98;font-size:12px;",
    "table": "width:100%;border-collapse:collapse;",
    "th": "text-align:left;padding:6px 8px;background:#f0f4f8;border-bottom:1px solid #d9e2ec;font-size:12px;"
          "color:#334e68;",
    "thn": "text-align:right;padding:6px 8px;background:#f0f4f8;border-bottom:1px solid #d9e2ec;font-size:12px;"
           "color:#334e68;",
    "td": "text-align:left;padding:6px 8px;border-bottom:1px solid #eef2f6;vertical-align:top;",
    "tdn": "text-align:right;padding:6px 8px;border-bottom:1px solid #eef2f6;vertical-align:top;white-space:nowrap;",
    "up": "color:#127a3a;",
    "down": "color:#b42318;",
    "flat": "color:#627d98;",
    "small": "font-size:11px;color:#627d98;",
    "img": "display:block;width:600px;max-width:100%;height:auto;border:0;margin:8px auto;",
}


def _fmt_int(value: int) -> str:
    return f"{int(value):,}"


def _fmt_amount(amount: str | Decimal) -> str:
    return f"{Decimal(amount):,}"


def money_text(total: dict) -> str:
    """``{"amount", "currency", "unconverted"}`` -> ``"575,000.00 CNY"`` (+ amounts without a rate)."""
    text = f"{_fmt_amount(total['amount'])} {total['currency']}"
    for currency, amount in sorted(total.get("unconverted", {}).items()):
        text += " " + _("+ %(amount)s %(currency)s not converted (no exchange rate)") % {
            "amount": _fmt_amount(amount), "currency": currency}
    return text


def _change(this: Decimal, last: Decimal, *, is_money: bool, currency: str = "") -> dict:
    delta = this - last
    direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
    sign = "+" if delta > 0 else "-" if delta < 0 else "±"
    magnitude = f"{abs(delta):,}" if is_money else f"{int(abs(delta)):,}"
    text = f"{sign}{magnitude}" + (f" {currency}" if is_money else "")
    if last > 0:
        text += f" ({sign}{abs(delta) * 100 / last:.0f}%)"
    return {"text": text, "direction": direction}


def person(name: str, native: str = "") -> str:
    """A person's name as written, with the native-script name when it differs: ``"Wei Zhang (张伟)"``."""
    return f"{name} ({native})" if native and native != name else name


def stage_label(code: str) -> str:
    """A stage code's label in the active language (``""`` for the empty "created" stage)."""
    return str(Stage(code).label) if code in Stage.values else code


def percent(numerator: int, denominator: int) -> str:
    """``"50%"``; ``"–"`` when the denominator is 0."""
    return f"{numerator * 100 / denominator:.0f}%" if denominator else "–"


def _date(text: str) -> str:
    return text[:10]


def _local_time(text: str) -> str:
    """``2026-11-23T00:30:00+08:00`` -> ``2026-11-23 00:30``."""
    return f"{text[:10]} {text[11:16]}" if text else ""


@dataclass
class RenderedReport:
    """Everything an e-mail of the report carries."""

    subject: str
    html: str
    text: str
    csv: bytes
    csv_name: str
    images: list[tuple[str, str, bytes]] = field(default_factory=list)  # (content id, file name, PNG)

    @property
    def content_sha256(self) -> str:
        """SHA-256 of subject, HTML, text and CSV (the charts are drawn from the same figures)."""
        digest = hashlib.sha256()
        for part in (self.subject.encode(), self.html.encode(), self.text.encode(), self.csv):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.hexdigest()


def report_context(payload: dict) -> dict:
    """Build the template context from a payload, in the active language.

    Returns a dict with ``week``, ``manager``, ``headline`` (rows with ``label``, ``this``,
    ``last``, ``change``), ``stages``, ``funnel`` and ``funnel_total``, ``medians``,
    ``stale``, ``offers_pending``, ``follow_ups``, ``best_fits``, ``quiet``, and
    ``styles`` (:data:`STYLES`).
    """
    from django.conf import settings

    limit = int(payload["settings"].get("list_limit") or _list_limit())
    openings = {o["id"]: o for o in payload["openings"]}

    def opening(opening_id: int) -> str:
        o = openings.get(opening_id)
        return f"{o['title']} · {o['company']}" if o else f"#{opening_id}"

    headline = []
    for row in payload["headline"]:
        key = row["key"]
        if key in COUNT_KEYS:
            this, last = Decimal(row["this_week"]), Decimal(row["last_week"])
            headline.append({"key": key, "label": str(HEADLINE_LABELS[key]), "this": _fmt_int(this),
                             "last": _fmt_int(last), "change": _change(this, last, is_money=False), "is_money": False})
        else:
            now_total, before_total = row["this_week"], row["last_week"]
            headline.append({"key": key, "label": str(HEADLINE_LABELS[key]), "this": money_text(now_total),
                             "last": money_text(before_total),
                             "change": _change(Decimal(now_total["amount"]), Decimal(before_total["amount"]),
                                               is_money=True, currency=now_total["currency"]), "is_money": True})

    stages = [stage_label(s) for s in FORWARD]

    def cells(reached: list[int]) -> list[dict]:
        return [{"stage": stages[i], "count": _fmt_int(n),
                 "conversion": percent(reached[i + 1], n) if i + 1 < len(reached) else ""}
                for i, n in enumerate(reached)]

    funnel = [{"opening": opening(f["opening_id"]), "cells": cells(f["reached"]), "moves": f["moves"]}
              for f in payload["funnel"]]
    medians = [{"stage": stage_label(m["stage"]), "median": f"{m['median_days']:.1f}", "stays": m["stays"]}
               for m in payload["median_days"]]
    stale_rows = [{"candidate": person(s["candidate"], s["native_name"]), "opening": opening(s["opening_id"]),
                   "stage": stage_label(s["stage"]), "idle_days": s["idle_days"],
                   "last_move_on": _date(s["last_move_at"]), "last_activity_on": _date(s["last_activity_at"]),
                   "owner": s["owner"]} for s in payload["stale"]]
    pending = [{"candidate": person(p["candidate"], p["native_name"]), "opening": opening(p["opening_id"]),
                "company": p["company"], "deadline_on": p["deadline_on"],
                "year1_cash": f"{_fmt_amount(p['year1_cash'])} {p['currency']}"} for p in payload["offers_pending"]]
    follow_ups = [{"recruiter": g["recruiter"] or _("(nobody)"), "count": g["count"], "oldest_due_on": g["oldest_due_on"]}
                  for g in payload["follow_ups"]["by_recruiter"]]
    language = translation.get_language()
    best: dict[int, list] = {}
    for b in payload["best_fits"]:
        factors = [f for f in breakdown_render(b["breakdown"], language=language) if f["value"] is not None]
        factors.sort(key=lambda f: -(f["weight"] or 0))
        best.setdefault(b["opening_id"], []).append({
            "candidate": person(b["candidate"], b["native_name"]), "score": f"{Decimal(b['score']):.0f}",
            "factors": " · ".join(f"{f['label']} {f['value'] * 100:.0f}%" for f in factors[:3]),
        })
    best_fits = [{"opening": opening(oid), "candidates": rows} for oid, rows in best.items()]

    trend_weeks = payload["week"]["trend"]
    return {
        "styles": STYLES,
        "week": {**payload["week"], "generated_at": _local_time(payload["generated_at"])},
        "manager": payload["manager"],
        "site_name": getattr(settings, "CRM_SITE_NAME", "Headhunter CRM"),
        "base_currency": payload["base_currency"],
        "offers_tracked": payload["offers_tracked"],
        "headline": headline,
        "trend_weeks": trend_weeks,
        "stages": stages,
        "funnel": funnel,
        "funnel_total": cells(payload["funnel_total"]),
        "medians": medians,
        "stale": {"rows": stale_rows[:limit], "total": len(stale_rows), "more": max(0, len(stale_rows) - limit),
                  "days": payload["settings"]["stale_days"]},
        "offers_pending": pending,
        "deadline_days": payload["settings"]["deadline_days"],
        "follow_ups": follow_ups,
        "follow_ups_total": sum(g["count"] for g in payload["follow_ups"]["by_recruiter"]),
        "best_fits": best_fits,
        "quiet": [opening(oid) for oid in payload["quiet_openings"]],
        "has_openings": bool(payload["openings"]),
    }


def _list_limit() -> int:
    from ..conf import setting

    return int(setting("CRM_REPORT_LIST_LIMIT"))


# --- CSV -------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def csv_cell(value) -> str:
    """One CSV cell, safe to open in a spreadsheet.

    A text cell starting with ``= + - @``, a tab or a line break would be run as a formula
    by Excel, LibreOffice or WPS ("CSV injection"): it gets a leading apostrophe, which the
    spreadsheet shows as text. Plain numbers (``-12.50``) stay numbers.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def csv_columns() -> list[str]:
    """The CSV header in the active language."""
    return [_("section"), _("counts in"), _("date and time"), _("opening id"), _("opening"), _("company"),
            _("candidacy id"), _("candidate"), _("native-script name"), _("from"), _("to"), _("person"),
            _("amount"), _("currency"), _("detail")]


def report_csv_rows(payload: dict) -> list[list]:
    """The CSV's rows (without header), in the active language; see the module docstring."""
    openings = {o["id"]: o for o in payload["openings"]}

    def where(opening_id):
        o = openings.get(opening_id, {})
        return [opening_id, o.get("title", ""), o.get("company", "")]

    def label(key):
        return str(HEADLINE_LABELS[key]) if key else ""

    def status_or_stage(kind, code):
        if kind == "offer_status":
            return str(OFFER_STATUS_LABELS.get(code, code))
        return stage_label(code)

    rows: list[list] = []
    for h in payload["headline"]:
        if h["key"] in COUNT_KEYS:
            rows.append([_("headline"), label(h["key"]), payload["week"]["label"], "", "", "", "", "", "", "", "", "",
                         h["this_week"], "", _("last week: %(n)s") % {"n": h["last_week"]}])
        else:
            now_total, before_total = h["this_week"], h["last_week"]
            rows.append([_("headline"), label(h["key"]), payload["week"]["label"], "", "", "", "", "", "", "", "", "",
                         now_total["amount"], now_total["currency"], _("last week: %(amount)s %(currency)s") % {
                             "amount": before_total["amount"], "currency": before_total["currency"]}])
    kinds = {"stage_change": _("stage change"), "offer_status": _("offer status"), "placement": _("placement")}
    for e in payload["events"]:
        detail = ""
        if e["kind"] == "stage_change" and e["from"] == "":
            detail = _("candidacy created")
        elif e.get("is_reopen"):
            detail = _("reopened")
        elif e["kind"] == "placement":
            detail = _("year-1 cash %(amount)s %(currency)s, starts %(start)s") % {
                "amount": e["year1_cash"], "currency": e["currency"], "start": e["start_on"]}
        rows.append([kinds[e["kind"]], label(e["counts_as"]), _local_time(e["at"]), *where(e["opening_id"]),
                     e["candidacy_id"], e["candidate"], e["native_name"], status_or_stage(e["kind"], e["from"]),
                     status_or_stage(e["kind"], e["to"]), e["by"], e.get("amount", ""), e.get("currency", ""), detail])
    for p in payload["projected_offers"]:
        rows.append([_("open offer"), label("fees_projected"), payload["week"]["end_at"][:10], *where(p["opening_id"]),
                     p["candidacy_id"], p["candidate"], p["native_name"], "", "", "", p["fee"], p["currency"],
                     _("year-1 cash %(amount)s %(currency)s x fee %(percent)s%%") % {
                         "amount": p["year1_cash"], "currency": p["currency"], "percent": p["fee_percent"]}])
    for f in payload["funnel"]:
        for i, stage in enumerate(FORWARD):
            rows.append([_("funnel"), "", payload["week"]["end_on"], *where(f["opening_id"]), "", "", "", "",
                         stage_label(stage), "", f["reached"][i], "", _("candidacies that reached the stage")])
    for m in payload["median_days"]:
        rows.append([_("median days in stage"), "", payload["week"]["label"], "", "", "", "", "", "", "",
                     stage_label(m["stage"]), "", m["median_days"], "", _("stays ended this week: %(n)d") % {"n": m["stays"]}])
    for s in payload["stale"]:
        rows.append([_("stale candidacy"), "", _local_time(s["last_move_at"]), *where(s["opening_id"]), s["candidacy_id"],
                     s["candidate"], s["native_name"], "", stage_label(s["stage"]), s["owner"], s["idle_days"], "",
                     _("days without a stage move or activity")])
    for p in payload["offers_pending"]:
        rows.append([_("offer pending"), "", p["deadline_on"], *where(p["opening_id"]), p["candidacy_id"], p["candidate"],
                     p["native_name"], "", "", p["company"], p["year1_cash"], p["currency"], _("deadline (local date)")])
    for r in payload["follow_ups"]["rows"]:
        rows.append([_("follow-up overdue"), "", _local_time(r["due_at"]), *where(r["opening_id"]), r["candidacy_id"],
                     r["candidate"], r["native_name"], "", "", r["recruiter"], "", "", r["subject"]])
    for b in payload["best_fits"]:
        rows.append([_("best fit not in pipeline"), "", "", *where(b["opening_id"]), "", b["candidate"], b["native_name"],
                     "", "", "", b["score"], "", _("rank %(rank)d by stored fit score") % {"rank": b["rank"]}])
    for oid in payload["quiet_openings"]:
        rows.append([_("no movement this week"), "", payload["week"]["label"], *where(oid), "", "", "", "", "", "", "",
                     "", ""])
    return rows


def report_csv(payload: dict) -> bytes:
    """The CSV attachment: UTF-8 with BOM, CRLF, header in the active language, cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(c) for c in csv_columns()])
    for row in report_csv_rows(payload):
        writer.writerow([csv_cell(c) for c in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- charts ----------------------------------------------------------------------------


def report_charts(payload: dict) -> list[tuple[str, str, bytes]]:
    """The funnel and trend charts: ``[(content id, file name, PNG bytes)]``, labels in the active language."""
    reached = payload["funnel_total"]
    conversions = [(f"→ {percent(reached[i + 1], n)}" if n and i + 1 < len(reached) else "")
                   for i, n in enumerate(reached)]
    funnel = charts.funnel_png(title=_("Funnel: candidacies that reached each stage (all openings)"),
                               stages=[stage_label(s) for s in FORWARD], counts=reached, conversions=conversions)
    weeks = [label.split("-")[-1] for label in payload["week"]["trend"]]
    trend = charts.trend_png(title=_("Week by week"), weeks=weeks,
                             series=[(str(HEADLINE_LABELS[k]), payload["trend"][k]) for k in TREND_KEYS])
    return [("funnel", "funnel.png", funnel), ("trend", "trend.png", trend)]


def report_render(payload: dict, *, language: str, with_charts: bool = True) -> RenderedReport:
    """Render a payload in ``language`` (a code of ``settings.LANGUAGES``).

    Returns:
        The :class:`RenderedReport` (charts omitted when ``with_charts`` is false).
    """
    with translation.override(language):
        context = report_context(payload)
        subject = " ".join(render_to_string("crm/reports/weekly_report_subject.txt", context).split())
        html = render_to_string("crm/reports/weekly_report.html", context)
        text = render_to_string("crm/reports/weekly_report.txt", context)
        text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
        data = report_csv(payload)
        images = report_charts(payload) if with_charts else []
        name = f"pipeline-{payload['week']['label']}.csv"
    return RenderedReport(subject=subject, html=html, text=text, csv=data, csv_name=name, images=images)

