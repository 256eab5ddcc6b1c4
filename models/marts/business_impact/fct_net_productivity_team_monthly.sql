{#-
    docs/metrics.md, Layer 3: "Net productivity gain = value of hours saved - AI total cost, per
    team-month and org-month, with cumulative sums, roi = net_productivity_gain /
    ai_total_cost, and the payback month (first month where cumulative gain >= 0)."
    "Value of hours saved = hours saved x the person's role loaded hourly cost,
    effective-dated (finance source), aggregated to team-month." Baseline: "ROI figures
    built on it carry that flag."

    One row per team and calendar month (observation and invoice months):
    - hours_saved and value_of_hours_saved_usd: the estimate named by
      var('hours_saved_method') (int_ai_hours_saved_team_monthly: each day's hours at that
      day's team loaded rate, rounded to the cent per team-month);
    - ai_total_cost_usd from fct_ai_tco_team_monthly;
    - net_productivity_gain_usd = value_of_hours_saved_usd - ai_total_cost_usd (exact in
      cents; tests/dbt/net_gain_equals_value_minus_cost.sql), null when the estimate is;
    - running totals, roi and payback month: macros/business/net_productivity_running_totals.sql;
    - is_baseline_verifiable: the team's Day-Zero baseline (fct_team_baselines) is verifiable.
    Hours saved and everything derived from them are null when the team's monthly roster is
    below var('min_group_size') (is_suppressed); running totals are computed before
    suppression, so a later month's cumulative figure includes suppressed months.
    A control team has no AI tools, so nothing to net: its net gain, cumulative net gain
    and roi are null (n/a), never 0.
-#}
with

int_ai_hours_saved_team_monthly as (
    select * from {{ ref('int_ai_hours_saved_team_monthly') }}
),

fct_ai_tco_team_monthly as (
    select * from {{ ref('fct_ai_tco_team_monthly') }}
),

fct_team_baselines as (
    select * from {{ ref('fct_team_baselines') }}
),

int_team_headcount_monthly as (
    select * from {{ ref('int_team_headcount_monthly') }}
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

joined as (
    select
        coalesce(fct_ai_tco_team_monthly.team_name, int_ai_hours_saved_team_monthly.team_name) as team_name,
        coalesce(fct_ai_tco_team_monthly.month_start, int_ai_hours_saved_team_monthly.month_start) as month_start,
        int_ai_hours_saved_team_monthly.hours_saved,
        int_ai_hours_saved_team_monthly.value_of_hours_saved_usd,
        coalesce(fct_ai_tco_team_monthly.ai_total_cost_usd, 0) as ai_total_cost_usd
    from int_ai_hours_saved_team_monthly
    full outer join fct_ai_tco_team_monthly
        on int_ai_hours_saved_team_monthly.team_name = fct_ai_tco_team_monthly.team_name
        and int_ai_hours_saved_team_monthly.month_start = fct_ai_tco_team_monthly.month_start
),

netted as (
    select
        *,
        value_of_hours_saved_usd - ai_total_cost_usd as net_productivity_gain_usd
    from joined
),

{{ net_productivity_running_totals('netted', partition_by='team_name') }},

final as (
    select
        cast(paid_back.team_name as {{ dbt.type_string() }}) as team_name,
        cast(paid_back.month_start as date) as month_start,
        cast(int_teams.cohort as {{ dbt.type_string() }}) as cohort,
        cast({{ phase_of('paid_back.month_start', 'int_teams.reference_date') }} as {{ dbt.type_string() }}) as phase,
        cast(coalesce(int_team_headcount_monthly.rostered_members, 0) as bigint) as rostered_members,
        coalesce(int_team_headcount_monthly.is_below_min_group_size, true) as is_suppressed,
        coalesce(fct_team_baselines.is_verifiable, false) as is_baseline_verifiable,
        cast('{{ var("hours_saved_method") }}' as {{ dbt.type_string() }}) as hours_saved_method,
        {%- set people = 'int_team_headcount_monthly.rostered_members' %}
        cast({{ suppress_small_cell('paid_back.hours_saved', people) }} as {{ type_double() }}) as hours_saved,
        cast({{ suppress_small_cell('paid_back.value_of_hours_saved_usd', people) }} as decimal(18, 2))
            as value_of_hours_saved_usd,
        cast(paid_back.ai_total_cost_usd as decimal(18, 2)) as ai_total_cost_usd,
        {#- a control team has no AI tools: nothing to net (null, n/a; never 0) #}
        {%- set no_ai = "coalesce(int_teams.cohort = 'control', false)" %}
        cast(
            case when not {{ no_ai }} then {{ suppress_small_cell('paid_back.net_productivity_gain_usd', people) }} end
            as decimal(18, 2)
        ) as net_productivity_gain_usd,
        cast({{ suppress_small_cell('paid_back.cumulative_value_of_hours_saved_usd', people) }} as decimal(18, 2))
            as cumulative_value_of_hours_saved_usd,
        cast(paid_back.cumulative_ai_total_cost_usd as decimal(18, 2)) as cumulative_ai_total_cost_usd,
        cast(
            case when not {{ no_ai }} then {{ suppress_small_cell('paid_back.cumulative_net_productivity_gain_usd', people) }} end
            as decimal(18, 2)
        ) as cumulative_net_productivity_gain_usd,
        cast(case when not {{ no_ai }} then {{ suppress_small_cell('paid_back.roi', people) }} end as {{ type_double() }}) as roi,
        cast({{ suppress_small_cell('paid_back.payback_month', people) }} as date) as payback_month,
        {{ suppress_small_cell('coalesce(paid_back.month_start = paid_back.payback_month, false)', people) }}
            as is_payback_month
    from paid_back
    left join int_teams on paid_back.team_name = int_teams.team_name
    left join int_team_headcount_monthly
        on paid_back.team_name = int_team_headcount_monthly.team_name
        and paid_back.month_start = int_team_headcount_monthly.month_start
    left join fct_team_baselines on paid_back.team_name = fct_team_baselines.team_name
)

select * from final
