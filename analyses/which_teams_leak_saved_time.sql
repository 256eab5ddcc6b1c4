-- Which teams leak saved time? Hours saved that did not turn into more delivered work
-- (docs/metrics.md, Leakage) over the impact phase: the team's reinvestment rate with its
-- 90% interval and whether it is measured reliably enough to net (leakage_status). Leaked
-- hours are shown only where it is.
with

leakage as (
    select * from {{ ref('fct_leakage_team_monthly') }}
),

final as (
    select
        team_name,
        max(leakage_status) as leakage_status,
        max(reinvestment_rate) as reinvestment_rate,
        max(reinvestment_rate_lower_90) as reinvestment_rate_lower_90,
        max(reinvestment_rate_upper_90) as reinvestment_rate_upper_90,
        sum(hours_saved) as hours_saved,
        sum(leakage_hours) as leakage_hours,
        sum(leakage_hours) / nullif(sum(hours_saved), 0) > 0.5 as leaks_over_half
    from leakage
    where not is_suppressed
    group by team_name
)

select * from final
order by reinvestment_rate
