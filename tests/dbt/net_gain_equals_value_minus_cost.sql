{#-
    docs/metrics.md, Layer 3: "Net productivity gain = value of hours saved - AI total cost, per
    team-month and org-month."
    Every row of fct_net_productivity_team_monthly and fct_net_productivity_org_monthly:
    net_productivity_gain_usd equals value_of_hours_saved_usd - ai_total_cost_usd to the
    cent, and is null exactly when the value is null (unknown estimate or suppressed) or the
    team is a control team (no AI tools: nothing to net).
    Returns the offending rows.
-#}
with

team_rows as (
    select
        'team' as grain,
        team_name,
        cohort = 'control' as is_control,
        month_start,
        value_of_hours_saved_usd,
        ai_total_cost_usd,
        net_productivity_gain_usd
    from {{ ref('fct_net_productivity_team_monthly') }}
),

org_rows as (
    select
        'org' as grain,
        'all' as team_name,
        false as is_control,
        month_start,
        value_of_hours_saved_usd,
        ai_total_cost_usd,
        net_productivity_gain_usd
    from {{ ref('fct_net_productivity_org_monthly') }}
),

all_rows as (
    select * from team_rows
    union all
    select * from org_rows
)

select *
from all_rows
where
    ai_total_cost_usd is null
    or (value_of_hours_saved_usd is null or is_control) <> (net_productivity_gain_usd is null)
    or round(net_productivity_gain_usd * 100) <> round((value_of_hours_saved_usd - ai_total_cost_usd) * 100)
