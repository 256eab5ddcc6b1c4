"""The visual report: one self-contained HTML file built from the marts only.

`write_report(db_path, out_path)` opens the warehouse read-only, reads `marts.*`, and writes
an HTML page with plotly.js embedded inline (the file works offline): the headline, the three
layers of the spec as sections (individual output, team throughput, business impact), the
per-team view, then the scorecard flags. Every chart is titled with its unit and captioned
with the metric's definition (as the marts' YAML descriptions state it).

This module assembles the page. Each section is built in a module of its own: `headline`,
`adoption` (layer 1), `delivery` (layer 2), `impact` (layer 3), `team_view` and `flags`, on
the helpers they share: `scope` (reading the marts, the scope and period label), `charts`
(layout, colours, baseline windows and rollout dates) and `tables` (HTML cells and tables).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from plotly.offline import get_plotlyjs

from ingestion.report.adoption import tool_acceptance_chart, tool_table
from ingestion.report.charts import Chart, baseline_windows, rollouts
from ingestion.report.delivery import ai_share_chart, did_chart, did_table, dora_chart
from ingestion.report.flags import flags_table
from ingestion.report.headline import headline
from ingestion.report.impact import net_gain_chart, tco_chart, waterfall_section
from ingestion.report.team_view import latest_complete_quarter, team_table

CSS = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1200px;
padding:24px;color:#222}
h1{margin-bottom:4px} .sub{color:#666;margin-top:0}
section{margin-top:36px;border-top:2px solid #eee;padding-top:8px}
figure{margin:18px 0} figcaption{color:#555;font-size:13px;max-width:1000px}
table{border-collapse:collapse;font-size:13px;margin:12px 0} th,td{border:1px solid #ddd;
padding:4px 8px;text-align:left} th{background:#f5f5f5}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.kpi{border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:150px}
.kpi-value{font-size:22px;font-weight:600} .kpi-label{color:#666;font-size:12px}
.kpi-ci{color:#444;font-size:12px}
caption{caption-side:top;text-align:left;color:#555;font-size:13px;padding:4px 0}
.wide{overflow-x:auto}
"""


def _figure_html(chart: Chart) -> str:
    div = chart.figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=chart.chart_id,
        config={"displaylogo": False, "responsive": True},
    )
    return (
        f'<figure class="chart">{div}<figcaption>{html.escape(chart.caption)}</figcaption></figure>'
    )


def render_report(con: duckdb.DuckDBPyConnection) -> str:
    """The report's HTML for an open connection to the warehouse."""
    windows, teams = baseline_windows(con), rollouts(con)
    adoption = tool_acceptance_chart(con, windows)
    dora = dora_chart(con, windows, teams)
    ai_share = ai_share_chart(con, windows, teams)
    did, did_frame = did_chart(con)
    net_gain = net_gain_chart(con, windows)
    tco = tco_chart(con, windows)
    quarter = latest_complete_quarter(con)
    team_view = (
        team_table(con, quarter)
        if quarter
        else '<p id="table-teams">No complete quarter of data yet.</p>'
    )
    waterfall, waterfall_table = waterfall_section(con)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>AI ROI report</title>
<style>{CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<h1>Does AI pay for itself?</h1>
<p class="sub">Built from the warehouse marts only, {generated}. Team-level figures;
groups below the minimum size are suppressed. Every chart and table states its scope and
period.</p>
{headline(con)}
<section id="individual-output">
<h2>1. Individual output: adoption and acceptance, per AI tool</h2>
{_figure_html(adoption)}
<h3>Outcomes per AI tool</h3>
{tool_table(con)}
</section>
<section id="team-throughput">
<h2>2. Team throughput: delivery speed and quality</h2>
{_figure_html(dora)}
{_figure_html(ai_share)}
<h3>AI-enabled vs control teams</h3>
{_figure_html(did)}
{did_table(did_frame)}
</section>
<section id="team-view">
<h2>Per team: what a team lead opens</h2>
{team_view}
</section>
<section id="business-impact">
<h2>3. Business impact: cost and net productivity gain</h2>
{_figure_html(net_gain)}
{_figure_html(tco)}
<h3 id="net-gain-waterfall">Net gain waterfall: quality and leakage</h3>
{_figure_html(waterfall)}
{waterfall_table}
</section>
<section id="flags">
<h2>Scorecard flags</h2>
<p>Scopes and quarters that raised a flag in marts.rpt_ai_roi_scorecard: low trust, idle
seats, a quality regression vs baseline (and vs control), or measured leakage of over half
the hours saved. Scope: the team, cohort or organisation named in each row. Period: the calendar quarter
of each row.</p>
{flags_table(con)}
</section>
</body>
</html>
"""


def write_report(db_path: Path | str, out_path: Path | str) -> Path:
    """Write the HTML report for the warehouse at `db_path` to `out_path`; return the path."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        page = render_report(con)
    finally:
        con.close()
    out.write_text(page, encoding="utf-8")
    return out
