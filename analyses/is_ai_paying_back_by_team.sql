-- Is AI paying back, by team? Cumulative net productivity gain, ROI and the payback
-- month per team at the latest month, with the baseline's verifiability (ROI built on an
-- unverifiable baseline carries that flag).
with

net as (
    select * from {{ ref('fct_net_productivity_team_monthly') }}
),

latest as (
    select
        team_name,
        max(month_start) as month_start
    from net
    group by team_name
),

final as (
    select
        net.team_name,
        net.cohort,
        net.month_start as as_of_month,
        net.cumulative_value_of_hours_saved_usd,
        net.cumulative_ai_total_cost_usd,
        net.cumulative_net_productivity_gain_usd,
        net.payback_month,
        net.is_baseline_verifiable,
        net.cumulative_net_productivity_gain_usd / nullif(net.cumulative_ai_total_cost_usd, 0) as cumulative_roi
    from net
    inner join latest
        on net.team_name = latest.team_name
        and net.month_start = latest.month_start
)

select * from final
order by cumulative_net_productivity_gain_usd desc
