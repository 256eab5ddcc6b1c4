"""The HTML report: every section and chart is there, plotly.js is inline, and the page opens
in headless Chromium without a console message."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ingestion.report import write_report
from ingestion.report.browser import find_chromium, open_in_browser

SECTIONS = ["individual-output", "team-throughput", "team-view", "business-impact", "flags"]
CHARTS = [
    "chart-adoption",
    "chart-dora",
    "chart-ai-share",
    "chart-did",
    "chart-net-gain",
    "chart-tco",
    "chart-waterfall",
]
TITLES = [
    "AI suggestion acceptance by tool, organisation, per ISO week",
    "DORA metrics per team and organisation, per month",
    "AI-assisted share of merged changes, organisation, per ISO week",
    "AI vs control: team-week means before and after, with 95% intervals",
    "Net productivity gain, organisation, per month and cumulative, USD",
    "AI total cost of ownership by cost type, organisation, per month, USD",
    "Net gain waterfall, organisation, whole programme, USD",
]
TABLES = ["table-tools", "table-did", "table-teams", "table-flags", "waterfall-table"]


@pytest.fixture(scope="module")
def report(demo_run: dict[str, object], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "ai_roi_report.html"
    return write_report(demo_run["db"], out)


@pytest.mark.slow
def test_report_has_every_section_chart_and_caption(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f'<section id="{section}">' in page, section
    for chart in CHARTS:
        assert f'id="{chart}"' in page, chart
        assert re.search(rf'Plotly\.newPlot\(\s*"{chart}"', page), chart
    for title in TITLES:
        assert title in page, title
    assert page.count("<figcaption>") == len(CHARTS)
    for table in TABLES:
        assert f'id="{table}"' in page, table
    assert 'id="headline"' in page
    assert "payback" in page


@pytest.mark.slow
def test_headline_figures_carry_their_90_percent_intervals(
    demo_run: dict[str, object], report: Path
) -> None:
    """The org's whole-history intervals from marts.fct_headline_intervals sit under each
    headline figure (AI cost is exact)."""
    import duckdb

    page = report.read_text(encoding="utf-8")
    con = duckdb.connect(str(demo_run["db"]), read_only=True)
    try:
        row = con.execute(
            "select hours_saved_lower_90, hours_saved_upper_90, net_productivity_gain_usd_lower_90, "
            "net_productivity_gain_usd_upper_90 from marts.fct_headline_intervals "
            "where scope_type = 'org' and period_type = 'total'"
        ).fetchone()
    finally:
        con.close()
    assert row is not None
    hours_low, hours_high, gain_low, gain_high = (float(v) for v in row)
    assert f"90% CI {hours_low:,.0f} to {hours_high:,.0f}" in page
    assert f"90% CI {gain_low:,.0f} to {gain_high:,.0f}" in page
    assert 'id="headline-scope"' in page


@pytest.mark.slow
def test_the_waterfall_shows_the_marts_steps_and_why_leakage_is_not_netted(
    demo_run: dict[str, object], report: Path
) -> None:
    """The waterfall section reads marts.fct_net_gain_waterfall: the organisation's net gain
    and quality-adjusted net gain are on the chart, with their 90% intervals in its caption,
    every team has a row whose money figures carry their intervals, and where leakage is not
    netted the caption says why (the status the mart gives)."""
    import duckdb

    page = report.read_text(encoding="utf-8")
    con = duckdb.connect(str(demo_run["db"]), read_only=True)
    try:
        gain, adjusted, status, realised = con.execute(
            "select net_productivity_gain_usd, quality_adjusted_net_gain_usd, leakage_status, "
            "realised_net_gain_usd from marts.fct_net_gain_waterfall "
            "where scope_type = 'org' and period_type = 'total'"
        ).fetchone()
        teams = con.execute(
            "select count(*) from marts.fct_net_gain_waterfall "
            "where scope_type = 'team' and period_type = 'total'"
        ).fetchone()[0]
        adjusted_low, adjusted_high = con.execute(
            "select quality_adjusted_net_gain_usd_lower_90, quality_adjusted_net_gain_usd_upper_90 "
            "from marts.fct_net_gain_waterfall where scope_type = 'org' and period_type = 'total'"
        ).fetchone()
        # teams charged an uncertain quality cost (the demo's regression team, identity)
        charged = con.execute(
            "select scope_name, quality_regression_cost_usd, quality_regression_cost_usd_lower_90, "
            "quality_regression_cost_usd_upper_90 from marts.fct_net_gain_waterfall "
            "where scope_type = 'team' and period_type = 'total' "
            "and quality_regression_cost_usd_upper_90 > quality_regression_cost_usd_lower_90 "
            "and quality_regression_cost_usd > 0"
        ).fetchall()
    finally:
        con.close()
    assert adjusted <= gain
    assert f"{float(gain):,.0f}" in page
    assert f"{float(adjusted):,.0f}" in page
    assert (
        f"quality-adjusted net gain {float(adjusted):,.0f} "
        f"(90% CI {float(adjusted_low):,.0f} to {float(adjusted_high):,.0f})"
    ) in page
    table = page.split('id="waterfall-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == teams + 1
    assert charged
    for name, cost, low, high in charged:
        row = table.split(f"<td>{name}</td>", 1)[1].split("</tr>", 1)[0]
        assert (
            f"<td>{float(cost):,.0f} (90% CI {float(low):,.0f} to {float(high):,.0f})</td>" in row
        )
    if realised is None:
        assert f"Leakage: {status}, so the realised part is not shown." in page
    else:
        assert f"{float(realised):,.0f}" in page


@pytest.mark.slow
def test_report_is_self_contained(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert "plotly.js v" in page  # the library's banner: plotly.js is inline
    assert len(page) > 1_000_000
    assert not re.search(r"<script[^>]+src=", page), "no external scripts"
    assert not re.search(r"<link[^>]+href=\"https?:", page), "no external stylesheets"


def _browser_or_skip() -> None:
    if find_chromium() is None:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            pytest.fail("chromium missing although running as root: run `make browser`")
        pytest.skip("chromium not installed and not root (`make browser` installs it)")


def test_browser_check_catches_console_errors(tmp_path: Path) -> None:
    """The console check itself: a page that throws is caught."""
    _browser_or_skip()
    page = tmp_path / "broken.html"
    page.write_text(
        "<html><body><script>console.error('broken on purpose'); missingFunction();"
        "</script></body></html>"
    )
    run = open_in_browser(page, tmp_path / "broken.png", width=400, height=300, wait_ms=500)
    text = "\n".join(run.console_messages)
    assert "broken on purpose" in text
    assert "missingFunction" in text


@pytest.mark.slow
def test_report_opens_in_headless_browser_without_console_errors(
    report: Path, tmp_path: Path
) -> None:
    _browser_or_skip()
    shot = tmp_path / "report.png"
    run = open_in_browser(report, shot, width=1100, height=1500)
    assert run.console_messages == [], "\n".join(run.console_messages)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.exists()
    assert 20_000 < shot.stat().st_size < 300_000  # a rendered page, small enough for docs/
