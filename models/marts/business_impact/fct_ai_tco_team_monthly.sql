{#-
    docs/metrics.md, Layer 3: "AI total cost of ownership per team-month: licences (seat
    invoices, allocated by assigned seats), usage (API/token invoices, allocated by usage
    when given, else by seats), training (hours x loaded rate + vendor fees), maintenance
    and platform (allocated by headcount). tco_to_licence_ratio = total / licences (the seed
    article expects 2-3x)."

    One row per team and calendar month (observation months and every invoice month): the
    allocation int_ai_tco_team_monthly computes, published as is. Costs are invoices, not
    person-derived, so they are never suppressed.
-#}
with

int_ai_tco_team_monthly as (
    select * from {{ ref('int_ai_tco_team_monthly') }}
),

final as (
    select
        team_name,
        month_start,
        cohort,
        phase,
        invoice_lines,
        licence_cost_usd,
        usage_cost_usd,
        training_vendor_fee_usd,
        training_time_cost_usd,
        training_cost_usd,
        maintenance_cost_usd,
        platform_cost_usd,
        other_cost_usd,
        ai_total_cost_usd,
        tco_to_licence_ratio
    from int_ai_tco_team_monthly
)

select * from final
