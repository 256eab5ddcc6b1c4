"""The report and the terminal agree with the marts: for the same scope and period, every
headline figure they show is the marts' figure (the report computes none of its own), every
chart and table states its scope and period, tools are never pooled, and a control scope
shows "n/a" where a figure cannot exist without AI."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from ingestion.report import charts, write_report
from ingestion.report.adoption import tool_acceptance_chart
from ingestion.report.charts import baseline_windows
from ingestion.report.headline import headline_values
from ingestion.scorecard import format_with_interval, print_scorecard, quarter_end

REPORT_PACKAGE = Path(charts.__file__).parent
#: every module that reads the warehouse: the report's sections and the terminal scorecard
REPORT_SOURCES = [
    *(
        REPORT_PACKAGE / f"{name}.py"
        for name in ("charts", "headline", "adoption", "delivery", "impact", "team_view", "flags")
    ),
    REPORT_PACKAGE.parent / "scorecard.py",
]


def _one(db: Path, sql: str) -> tuple[Any, ...]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(sql).fetchone()
    finally:
        con.close()
    assert row is not None, sql
    return row


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _table_rows(page: str, table_id: str) -> list[list[str]]:
    """The body cells of an HTML table of the report, as text."""
    match = re.search(rf'<table id="{table_id}">(.*?)</table>', page, re.S)
    assert match, table_id
    body = match.group(1).split("<tbody>", 1)[1]
    return [
        [html.unescape(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture(scope="module")
def page(demo_run: dict[str, object], tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("agreement") / "report.html"
    return write_report(demo_run["db"], out).read_text(encoding="utf-8")


# --- static: the surfaces hold no metric SQL of their own ----------------------------------


@pytest.mark.parametrize("source", REPORT_SOURCES, ids=lambda p: p.name)
def test_surfaces_read_marts_only_and_define_no_metric(source: Path) -> None:
    """Every table the report and the terminal read is a mart, and neither divides or takes a
    median in SQL (how the report once computed change failure rate itself)."""
    text = "\n".join(
        line
        for line in source.read_text(encoding="utf-8").splitlines()
        if not line.startswith(("from ", "import "))
    )
    tables = set(re.findall(r"\b(?:from|join)\s+([a-z_]+\.[a-z_]+)", text))
    assert tables, "no table read?"
    assert {t.split(".")[0] for t in tables} == {"marts"}, tables
    for forbidden in ("/ nullif(", "median(", "intermediate.", "staging."):
        assert forbidden not in text, f"{source.name}: {forbidden}"


def test_every_report_module_holding_sql_is_checked() -> None:
    """The modules of the report package with SQL in them are exactly REPORT_SOURCES, so a
    section module added later cannot escape the check above; the page assembly (report.py)
    and the shared helpers hold none."""
    with_sql = {
        path.name
        for path in REPORT_PACKAGE.glob("*.py")
        if re.search(r"\bselect\b", path.read_text(encoding="utf-8"))
    }
    assert with_sql == {p.name for p in REPORT_SOURCES if p.parent == REPORT_PACKAGE}
    assert "report.py" not in with_sql


def test_control_scopes_print_na_not_zero() -> None:
    control = {"cohort": "control", "net_productivity_gain_usd": 0.0, "roi": None}
    treatment = {"cohort": "treatment", "net_productivity_gain_usd": 0.0}
    assert format_with_interval(control, "net_productivity_gain_usd", "{:,.0f}") == "n/a (control)"
    assert format_with_interval(control, "roi", "{:.2f}") == "n/a (control)"
    assert format_with_interval(treatment, "net_productivity_gain_usd", "{:,.0f}") == "0"
    # delivery figures exist for control teams: printed as they are
    assert (
        format_with_interval(
            {"cohort": "control", "change_failure_rate": 0.1}, "change_failure_rate", "{:.1%}"
        )
        == "10.0%"
    )


def test_quarter_end() -> None:
    assert quarter_end(date(2026, 7, 1)) == date(2026, 9, 30)
    assert quarter_end(date(2026, 10, 1)) == date(2026, 12, 31)


# --- the headline: the organisation, the whole programme -------------------------------------


@pytest.mark.slow
def test_report_headline_equals_the_marts(demo_run: dict[str, object], page: str) -> None:
    """The headline is the org's whole-programme figure: fct_net_productivity_org_monthly
    summed over every month, fct_headline_intervals' (org, total) row and the scorecard's org
    quarters summed all give the same numbers, and the page prints exactly those."""
    db = demo_run["db"]
    monthly = _one(
        db,
        "select sum(hours_saved), sum(value_of_hours_saved_usd), sum(ai_total_cost_usd), "
        "sum(net_productivity_gain_usd), min(payback_month), min(month_start) "
        "from marts.fct_net_productivity_org_monthly",
    )
    quarters = _one(
        db,
        "select sum(hours_saved), sum(value_of_hours_saved_usd), sum(ai_total_cost_usd), "
        "sum(net_productivity_gain_usd) from marts.rpt_ai_roi_scorecard where scope_type = 'org'",
    )
    hours, value, cost, gain, payback, first_month = monthly
    con = duckdb.connect(str(db), read_only=True)
    try:
        shown = headline_values(con)
    finally:
        con.close()
    expected = {
        "hours_saved": hours,
        "value_of_hours_saved_usd": value,
        "ai_total_cost_usd": cost,
        "net_productivity_gain_usd": gain,
        "roi": float(gain) / float(cost),
    }
    for column, figure in expected.items():
        assert shown[column] == pytest.approx(float(figure), rel=1e-9), column
    for column, figure in zip(expected, quarters, strict=False):
        assert float(figure) == pytest.approx(shown[column], rel=1e-9), f"scorecard {column}"
    assert shown["payback_month"] == payback
    assert shown["period_start"] == first_month
    cards = dict(
        (label, value_text)
        for value_text, label in re.findall(
            r'<div class="kpi-value">(.*?)</div>.*?<div class="kpi-label">(.*?)</div>', page, re.S
        )
    )
    assert cards["Hours saved"] == f"{hours:,.0f}"
    assert cards["AI total cost (USD)"] == f"{float(cost):,.0f}"
    assert cards["Net productivity gain (USD)"] == f"{float(gain):,.0f}"
    assert cards["ROI (net gain / cost)"] == f"{float(gain) / float(cost):,.2f}"
    assert cards["Payback month"] == f"{payback:%Y-%m}"
    assert f"Scope: the whole organisation. Period: {first_month:%Y-%m-%d} to" in page


# --- the team view: each team and cohort, the latest complete quarter ------------------------


@pytest.mark.slow
def test_team_view_equals_the_marts_and_the_terminal(
    demo_run: dict[str, object], page: str
) -> None:
    db = demo_run["db"]
    (quarter,) = _one(
        db, "select max(quarter_start) from marts.rpt_ai_roi_scorecard where is_complete_quarter"
    )
    marts = {
        (scope_type, name): rest
        for scope_type, name, *rest in _rows(
            db,
            f"""
            select s.scope_type, s.scope_name, s.cohort, s.deploy_days_per_week,
                s.change_failure_rate, h.hours_saved, h.net_productivity_gain_usd, t.tier
            from marts.rpt_ai_roi_scorecard as s
            left join marts.fct_headline_intervals as h
                on s.scope_type = h.scope_type and s.scope_name = h.scope_name
                and h.period_type = 'quarter' and h.period_start = s.quarter_start
            left join marts.fct_dora_tiers_quarterly as t
                on s.scope_type = t.scope_type and s.scope_name = t.scope_name
                and s.quarter_start = t.quarter_start and t.metric_name = 'change_failure_rate'
            where s.quarter_start = '{quarter}' and s.scope_type in ('team', 'cohort')
            """,
        )
    }
    rows = _table_rows(page, "table-teams")
    assert len(rows) == len(marts)
    controls = suppressed = 0
    for cells in rows:
        name = cells[0]
        key = (
            ("cohort", name.removesuffix(" cohort")) if name.endswith(" cohort") else ("team", name)
        )
        cohort, deploy_days, cfr, hours, gain, cfr_tier = marts[key]
        assert cells[1] == cohort
        assert cells[2].startswith(f"{deploy_days:,.2f}"), cells
        assert cells[4] == f"{cfr:,.3f} ({cfr_tier})", cells
        if cohort == "control":
            controls += 1
            assert cells[9] == cells[10] == "n/a (control)", cells
        elif hours is None:
            # fewer than min_group_size people behind the team's hours saved (the demo's
            # payments team: 2): suppressed on every surface, shown as a dash
            suppressed += 1
            assert cells[9] == cells[10] == "\u2013", cells
        else:
            assert cells[9].startswith(f"{hours:,.0f} (90% CI"), cells
            assert cells[10].startswith(f"{float(gain):,.0f} (90% CI"), cells
    assert controls >= 2  # control teams and the control cohort
    assert suppressed == 1
    caption = re.search(r'<table id="table-teams"><caption>(.*?)</caption>', page, re.S)
    assert (
        caption
        and f"Period: the quarter {quarter:%Y-%m-%d} to {quarter_end(quarter):%Y-%m-%d}"
        in html.unescape(caption.group(1))
    )

    # the terminal prints the same cohorts for the same quarter
    lines: list[str] = []
    printed = print_scorecard(db, lines.append)
    text = "\n".join(lines)
    assert printed[0]["quarter_start"] == quarter
    assert "Scope: each cohort (control, treatment)." in text
    assert f"Period: the quarter {quarter} to {quarter_end(quarter)}" in text
    treatment = marts[("cohort", "treatment")]
    assert f"{float(treatment[4]):,.0f} (90% CI" in text
    # AI acceptance: one line per tool, each the mart's cohort-quarter rate; no pooled rate
    assert "AI suggestion acceptance rate" not in text
    tool_rates = _rows(
        db,
        "select ai_tool, acceptance_rate, acceptance_definition from marts.fct_ai_usage_by_tool "
        "where scope_type = 'cohort' and scope_name = 'treatment' and period_type = 'quarter' "
        f"and period_start = '{quarter}' and not is_suppressed",
    )
    assert tool_rates
    for tool, rate, definition in tool_rates:
        line = next(line for line in lines if line.startswith(f"AI acceptance rate, {tool} "))
        assert line.split()[-1] == f"{rate:.1%}", line
        assert line.split()[-2] == "n/a", line  # control: no AI telemetry
        assert f"{tool}: {definition}" in text
    net_gain_line = next(line for line in lines if line.startswith("Net productivity gain"))
    assert "n/a (control)" in net_gain_line and " 0 " not in net_gain_line + " "


# --- per tool: never pooled, starts and stops marked -----------------------------------------


@pytest.mark.slow
def test_acceptance_chart_is_per_tool_and_marks_sources_starting_or_stopping(
    demo_run: dict[str, object],
) -> None:
    db = demo_run["db"]
    marks = _rows(
        db,
        "select ai_tool, period_start, reporting_change from marts.fct_ai_usage_by_tool "
        "where scope_type = 'org' and period_type = 'week' and reporting_change is not null",
    )
    tools = {row[0] for row in _rows(db, "select distinct ai_tool from marts.fct_ai_usage_by_tool")}
    assert {"github_copilot", "cursor", "claude_code"} <= tools
    assert marks, "the demo's tools start at different weeks: some start must be marked"
    con = duckdb.connect(str(db), read_only=True)
    try:
        chart = tool_acceptance_chart(con, baseline_windows(con))
    finally:
        con.close()
    named = {trace.name for trace in chart.figure.data if trace.name}
    assert tools <= named  # one line per tool ...
    assert not named & {"all", "all tools", "pooled"}  # ... and none pooling them
    annotations = {(a.text, pd.Timestamp(a.x).date()) for a in chart.figure.layout.annotations}
    for tool, week, change in marks:
        if "starts" in change:
            assert (f"{tool} starts", week) in annotations
            assert f"{tool} starts {week:%Y-%m-%d}" in chart.caption
        if "stops" in change:
            assert (
                f"{tool} stops",
                (pd.Timestamp(week) + pd.Timedelta(days=7)).date(),
            ) in annotations
    # every baseline window is drawn on the chart
    windows = _rows(
        db,
        "select distinct baseline_start_date from marts.dim_teams where baseline_start_date is not null",
    )
    bands = {
        pd.Timestamp(shape.x0).date()
        for shape in chart.figure.layout.shapes
        if shape.type == "rect"
    }
    assert {w[0] for w in windows} <= bands


@pytest.mark.slow
def test_tool_table_equals_the_mart(demo_run: dict[str, object], page: str) -> None:
    expected = {
        tool: (suppressed, rate, hours)
        for tool, suppressed, rate, hours in _rows(
            demo_run["db"],
            "select ai_tool, is_suppressed, acceptance_rate, telemetry_modelled_hours_saved "
            "from marts.fct_ai_usage_by_tool where scope_type = 'org' and period_type = 'total'",
        )
    }
    rows = {cells[0]: cells for cells in _table_rows(page, "table-tools")}
    assert set(rows) == set(expected)
    for tool, (suppressed, rate, hours) in expected.items():
        cells = rows[tool]
        assert cells[4] == ("yes" if suppressed else "no")
        if suppressed:
            assert cells[9] == cells[11] == "\u2013"
        else:
            assert cells[9] == f"{rate:,.2f}" and cells[11] == f"{hours:,.2f}"


# --- labels -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_chart_and_table_states_scope_and_period(page: str) -> None:
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page, re.S)
    captions += re.findall(r"<caption>(.*?)</caption>", page, re.S)
    assert len(captions) >= 8
    for caption in captions:
        assert "Scope: " in caption and "Period: " in caption, caption[:120]
    headline = re.search(r'<p class="sub" id="headline-scope">(.*?)</p>', page, re.S)
    assert headline and "Scope: the whole organisation" in headline.group(1)
    assert "whole programme" in headline.group(1)
