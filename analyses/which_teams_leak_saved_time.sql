-- Which teams leak saved time? Hours saved that did not turn into more delivered work
-- (docs/metrics.md, Leakage) over the impact phase, with the reinvestment rate.
with

leakage as (
    select * from {{ ref('fct_leakage_team_monthly') }}
),

final as (
    select
        team_name,
        sum(hours_saved) as hours_saved,
        sum(throughput_gain_hours) as throughput_gain_hours,
        sum(leakage_hours) as leakage_hours,
        sum(throughput_gain_hours) / nullif(sum(hours_saved), 0) as reinvestment_rate,
        sum(leakage_hours) / nullif(sum(hours_saved), 0) > 0.5 as leaks_over_half
    from leakage
    where not is_suppressed
    group by team_name
)

select * from final
order by leakage_hours desc
