"""HTML, text and CSV of a report agree; the CSV is Excel-safe; charts draw Chinese with a CJK font."""

from __future__ import annotations

import csv
import io
import re
import warnings
from decimal import Decimal

import pytest

from crm.reports import charts
from crm.reports.render import csv_cell, report_csv, report_render
from crm.reports.selectors import report_figures

from .conftest import W48

pytestmark = pytest.mark.django_db

LABELS = {
    "new_candidacies": "New candidacies", "submissions": "Submissions to clients",
    "interviews": "Interviews (moved to interviewing)", "offers_extended": "Offers extended",
    "offers_accepted": "Offers accepted", "placements": "Placements",
    "fees_projected": "Fees projected (open offers × fee %)", "fees_booked": "Fees booked (placements recorded)",
}


def csv_rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_report_render_html_text_and_csv_give_the_same_numbers(scenario, fit_scores):
    payload = report_figures(manager=scenario.boss, week=W48)

    rendered = report_render(payload, language="en", with_charts=False)

    rows = csv_rows(rendered.csv)
    headline_rows = {r["counts in"]: r for r in rows if r["section"] == "headline"}
    for h in payload["headline"]:
        label = LABELS[h["key"]]
        if isinstance(h["this_week"], dict):
            number = f"{Decimal(h['this_week']['amount']):,} CNY"
            csv_number = h["this_week"]["amount"]
        else:
            number = csv_number = str(h["this_week"])
        html_cell = re.search(rf'data-key="{h["key"]}">([^<]+)<', rendered.html).group(1)
        assert html_cell == number, label
        assert f"{label}: {number} (" in rendered.text, label
        assert headline_rows[label]["amount"] == csv_number, label
        if not isinstance(h["this_week"], dict):
            events = [r for r in rows if r["counts in"] == label and r["section"] != "headline"]
            assert len(events) == h["this_week"], label
    booked = [r for r in rows if r["counts in"] == LABELS["fees_booked"] and r["section"] != "headline"]
    assert sum(Decimal(r["amount"]) for r in booked) == Decimal("150000.00")
    projected = [r for r in rows if r["counts in"] == LABELS["fees_projected"] and r["section"] != "headline"]
    assert sum(Decimal(r["amount"]) for r in projected) == Decimal("320000.00")
    assert "Candidate c8 (候选人c8)" in rendered.text and "Candidate c8 (候选人c8)" in rendered.html
    assert {"Candidate c8", "候选人c8"} <= {r["candidate"] for r in rows} | {r["native-script name"] for r in rows}
    assert "Outsider X (局外人)" in rendered.html and "Specialty match 90%" in rendered.text
    assert rendered.subject == "Pipeline report 2026-W48 for Bo Ss"


def test_report_render_html_is_mail_client_safe(scenario):
    rendered = report_render(report_figures(manager=scenario.boss, week=W48), language="en", with_charts=False)

    assert "<style" not in rendered.html and "<link" not in rendered.html and "<script" not in rendered.html
    assert 'src="cid:funnel"' in rendered.html and 'src="cid:trend"' in rendered.html
    assert not re.search(r'src="https?:', rendered.html)
    for tag in re.findall(r"<(td|th|table|h1|h2|img)\b[^>]*>", rendered.html):
        assert tag
    assert all('style="' in t for t in re.findall(r"<(?:td|th|table|h1|h2|img)\b[^>]*>", rendered.html))


def test_report_render_in_chinese(scenario):
    rendered = report_render(report_figures(manager=scenario.boss, week=W48), language="zh-hans", with_charts=False)

    assert "已寻访" in rendered.text and "已寻访" in rendered.html  # stage labels in Chinese
    assert "周报" in rendered.subject or "渠道" in rendered.subject
    assert "新增候选流程" in rendered.text


def test_csv_cells_that_look_like_formulas_are_neutralised():
    assert csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert csv_cell("+86 138") == "'+86 138"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("-cmd") == "'-cmd"
    assert csv_cell("\tx") == "'\tx"
    assert csv_cell("-12.50") == "-12.50" and csv_cell("张伟") == "张伟" and csv_cell(None) == ""


def test_report_csv_neutralises_a_candidate_named_like_a_formula(scenario):
    candidate = scenario.candidacies["c3"].candidate
    candidate.full_name = '=HYPERLINK("http://evil.example","x")'
    candidate.save(update_fields=["full_name"])

    data = report_csv(report_figures(manager=scenario.boss, week=W48))

    names = {r["candidate"] for r in csv_rows(data)}
    assert '\'=HYPERLINK("http://evil.example","x")' in names
    assert not any(n.startswith("=") for n in names)


def test_cjk_font_is_found_and_has_every_glyph_of_the_chinese_labels(scenario):
    rendered_labels = "".join(["已寻访已联系筛选中已推荐给客户面试中成功入职", "漏斗：各阶段累计候选流程（全部职位）", "逐周趋势"])

    choice = charts.cjk_font()

    assert choice.family, "No CJK font: install fonts-noto-cjk (make test does when it can)"
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=choice.family), fallback_to_default=False)
    charmap = font_manager.get_font(path).get_charmap()
    assert [ch for ch in rendered_labels if ord(ch) not in charmap] == []


def test_charts_draw_chinese_labels_without_missing_glyphs(scenario):
    payload = report_figures(manager=scenario.boss, week=W48)
    from django.utils import translation

    from crm.reports.render import report_charts

    with warnings.catch_warnings(record=True) as caught, translation.override("zh-hans"):
        warnings.simplefilter("always")
        images = report_charts(payload)

    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    for _cid, _name, png in images:
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert (width, height) == (600, 300)
