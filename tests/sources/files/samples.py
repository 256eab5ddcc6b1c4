"""Small hand-written drop-folder files (CSV text), one per raw_files table."""

from __future__ import annotations

from pathlib import Path

CSV: dict[str, str] = {
    "ai_costs": (
        "invoice_id,month,vendor,tool,cost_type,amount,currency,team,seats,usage_units,training_hours\n"
        "INV-001,2026-01-01,GitHub,copilot,licence,1900.00,USD,,100,,\n"
        "INV-002,2026-01-01,Anthropic,claude,usage,312.45,USD,payments,,1250000,\n"
        "INV-003,2026-02-01,Internal,copilot,training,800,USD,search,,,16.5\n"
    ),
    "labor_rates": (
        "role,loaded_hourly_cost,currency,valid_from\n"
        "engineer,95.50,USD,2025-01-01\n"
        "senior_engineer,120.00,USD,2025-01-01\n"
    ),
    "roster": (
        "login,display_name,role,team,valid_from,valid_to,is_bot\n"
        "alice,Alice A,engineer,payments,2025-01-01,,false\n"
        "bob,Bob B,senior_engineer,search,2025-01-01,2026-01-31,false\n"
        "bob,Bob B,senior_engineer,payments,2026-02-01,,false\n"
        "dependabot[bot],,bot,payments,2025-01-01,,true\n"
    ),
    "ai_rollout": (
        "team,tool,cohort,rollout_date\npayments,copilot,treatment,2026-01-15\nsearch,copilot,control,\n"
    ),
    "service_ownership": (
        "service,service_type,team\n"
        "acme/checkout,repository,payments\n"
        "acme/search,repository,search\n"
        "checkout-api,pagerduty_service,payments\n"
    ),
    "surveys": (
        "response_id,response_date,team,friction_score,satisfaction_score,ai_trust_score,hours_saved_per_week\n"
        "R1,2026-01-20,payments,2,4,4,3.5\n"
        "R2,2026-01-21,search,3,3,,\n"
    ),
    "kpis": (
        "month,metric_name,product_area,value\n"
        "2026-01-01,conversion_rate,checkout,0.031\n"
        "2026-02-01,conversion_rate,checkout,0.034\n"
    ),
    "feature_launches": (
        "feature_key,feature_name,launch_date,product_area\nFL-1,One-click pay,2026-02-10,checkout\n"
    ),
    "ops_transactions": (
        "transaction_date,team,process,transactions,failed_transactions,operating_cost\n"
        "2026-01-05,payments,refunds,1200,12,5400.00\n"
        "2026-01-05,search,indexing,300,0,150.25\n"
    ),
}

ROW_COUNTS = {name: text.strip().count("\n") for name, text in CSV.items()}


def write_folder(folder: Path, files: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (files or CSV).items():
        (folder / f"{name}.csv").write_text(text)
    return folder


def one_team(team: str, logins: list[str], repository: str, rollout_date: str) -> dict[str, str]:
    """The drop folder of a one-team company (for end-to-end tests of a code host): its
    engineers on the roster from 2025-12-01, the repository it owns, and its AI rollout
    (treatment, GitHub Copilot)."""
    roster = "".join(f"{login},{login},engineer,{team},2025-12-01,,false\n" for login in logins)
    return {
        "roster": "login,display_name,role,team,valid_from,valid_to,is_bot\n" + roster,
        "service_ownership": f"service,service_type,team\n{repository},repository,{team}\n",
        "ai_rollout": f"team,tool,cohort,rollout_date\n{team},github_copilot,treatment,{rollout_date}\n",
    }
