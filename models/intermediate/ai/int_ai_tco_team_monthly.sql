{#-
    docs/metrics.md, Layer 3: "AI total cost of ownership per team-month: licences (seat
    invoices, allocated by assigned seats), usage (API/token invoices, allocated by usage
    when given, else by seats), training (hours x loaded rate + vendor fees), maintenance
    and platform (allocated by headcount). tco_to_licence_ratio = total / licences (the seed
    article expects 2-3x)."

    One row per team and calendar month (observation months and every invoice month):
    allocated invoice amounts by cost type (int_ai_costs_allocated_monthly, which sums back
    to each invoice to the cent), training split into the vendor fee and internal time
    (training hours x loaded rate), and ai_total_cost_usd = licence + usage + training +
    maintenance + platform + other. tco_to_licence_ratio is null in a month without licence
    cost. Costs are invoices, not person-derived, so they are never suppressed.
    The one allocation of AI cost to team-months: fct_ai_tco_team_monthly publishes it as is;
    int_net_productivity_team_monthly, fct_net_productivity_org_monthly and fct_feature_costs
    read it.
-#}
with

int_ai_costs_allocated_monthly as (
    select * from {{ ref('int_ai_costs_allocated_monthly') }}
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

int_observed_days as (
    select * from {{ ref('int_observed_days') }}
),

months as (
    select distinct int_observed_days.month_start
    from int_observed_days
    union
    select distinct cost_month from int_ai_costs_allocated_monthly
),

teams as (
    select team_name from int_teams
    union
    select distinct team_name from int_ai_costs_allocated_monthly
),

costs as (
    select
        team_name,
        cost_month as month_start,
        count(*) as invoice_lines,
        sum(case when cost_type = 'licence' then allocated_amount_usd else 0 end) as licence_cost_usd,
        sum(case when cost_type = 'usage' then allocated_amount_usd else 0 end) as usage_cost_usd,
        sum(case when cost_type = 'training' then allocated_amount_usd else 0 end) as training_vendor_fee_usd,
        sum(training_time_cost_usd) as training_time_cost_usd,
        sum(case when cost_type = 'maintenance' then allocated_amount_usd else 0 end) as maintenance_cost_usd,
        sum(case when cost_type = 'platform' then allocated_amount_usd else 0 end) as platform_cost_usd,
        sum(
            case when cost_type not in ('licence', 'usage', 'training', 'maintenance', 'platform') then allocated_amount_usd else 0 end
        ) as other_cost_usd
    from int_ai_costs_allocated_monthly
    group by team_name, cost_month
),

joined as (
    select
        teams.team_name,
        months.month_start,
        int_teams.cohort,
        {{ phase_of('months.month_start', 'int_teams.reference_date') }} as phase,
        coalesce(costs.invoice_lines, 0) as invoice_lines,
        coalesce(costs.licence_cost_usd, 0) as licence_cost_usd,
        coalesce(costs.usage_cost_usd, 0) as usage_cost_usd,
        coalesce(costs.training_vendor_fee_usd, 0) as training_vendor_fee_usd,
        coalesce(costs.training_time_cost_usd, 0) as training_time_cost_usd,
        coalesce(costs.maintenance_cost_usd, 0) as maintenance_cost_usd,
        coalesce(costs.platform_cost_usd, 0) as platform_cost_usd,
        coalesce(costs.other_cost_usd, 0) as other_cost_usd
    from teams
    cross join months
    left join int_teams on teams.team_name = int_teams.team_name
    left join costs
        on teams.team_name = costs.team_name
        and months.month_start = costs.month_start
),

totals as (
    select
        *,
        training_vendor_fee_usd + training_time_cost_usd as training_cost_usd,
        licence_cost_usd + usage_cost_usd + training_vendor_fee_usd + training_time_cost_usd
        + maintenance_cost_usd + platform_cost_usd + other_cost_usd as ai_total_cost_usd
    from joined
),

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(month_start as date) as month_start,
        cast(cohort as {{ dbt.type_string() }}) as cohort,
        cast(phase as {{ dbt.type_string() }}) as phase,
        cast(invoice_lines as bigint) as invoice_lines,
        {%- set money_columns = [
            'licence_cost_usd', 'usage_cost_usd', 'training_vendor_fee_usd', 'training_time_cost_usd',
            'training_cost_usd', 'maintenance_cost_usd', 'platform_cost_usd', 'other_cost_usd', 'ai_total_cost_usd',
        ] %}
        {%- for column in money_columns %}
            cast({{ column }} as decimal(18, 2)) as {{ column }},
        {%- endfor %}
        cast({{ safe_divide('ai_total_cost_usd', 'licence_cost_usd') }} as {{ type_double() }}) as tco_to_licence_ratio
    from totals
)

select * from final
