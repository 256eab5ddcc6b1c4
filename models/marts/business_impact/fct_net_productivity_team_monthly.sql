{#-
    docs/metrics.md, Layer 3: "Net productivity gain = value of hours saved - AI total cost, per
    team-month and org-month, with cumulative sums, roi = net_productivity_gain /
    ai_total_cost, and the payback month (first month where cumulative gain >= 0)."
    "Value of hours saved = hours saved x the person's role loaded hourly cost,
    effective-dated (finance source), aggregated to team-month." Baseline: "ROI figures
    built on it carry that flag."

    One row per team and calendar month (observation and invoice months):
    - hours_saved, value_of_hours_saved_usd, ai_total_cost_usd and net_productivity_gain_usd:
      int_net_productivity_team_monthly, the one definition before the privacy rule (the
      estimate named by var('hours_saved_method'), each day's hours at that day's team loaded
      rate rounded to the cent per team-month; the cost int_ai_tco_team_monthly allocates; net
      gain = value - cost, exact in cents: tests/dbt/net_gain_equals_value_minus_cost.sql,
      null when the estimate is);
    - running totals, roi and payback month: macros/business/net_productivity_running_totals.sql;
    - is_baseline_verifiable: the team's Day-Zero baseline (fct_team_baselines) is verifiable.
    Privacy (suppress_small_cell): the month's hours saved, their value and net gain are null
    unless var('min_group_size') distinct people stand behind the hours saved
    (hours_saved_people, int_ai_hours_saved_team_monthly), roi included; the running totals
    and payback by hours_saved_people_to_date, the distinct people behind any month so far
    (int_ai_hours_saved_people_to_date). Running totals are computed before
    suppression, so a later month's cumulative figure includes suppressed months.
    A control team has no AI tools, so nothing to net: its net gain, cumulative net gain,
    roi and payback month are null (n/a), never 0.
-#}
with

int_net_productivity_team_monthly as (
    select * from {{ ref('int_net_productivity_team_monthly') }}
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

int_ai_hours_saved_people_to_date as (
    select * from {{ ref('int_ai_hours_saved_people_to_date') }}
    where scope_type = 'team'
),

netted as (
    select
        int_net_productivity_team_monthly.*,
        -- the distinct people behind the running totals: everyone behind a month so far
        coalesce(int_ai_hours_saved_people_to_date.hours_saved_people_to_date, 0) as hours_saved_people_to_date
    from int_net_productivity_team_monthly
    left join int_ai_hours_saved_people_to_date
        on int_net_productivity_team_monthly.team_name = int_ai_hours_saved_people_to_date.scope_name
        and int_net_productivity_team_monthly.month_start = int_ai_hours_saved_people_to_date.month_start
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
        cast(paid_back.hours_saved_people as bigint) as hours_saved_people,
        cast(paid_back.hours_saved_people_to_date as bigint) as hours_saved_people_to_date,
        {%- set people = 'paid_back.hours_saved_people' %}
        {%- set people_to_date = 'paid_back.hours_saved_people_to_date' %}
        cast({{ suppress_small_cell('paid_back.hours_saved', people) }} as {{ type_double() }}) as hours_saved,
        cast({{ suppress_small_cell('paid_back.value_of_hours_saved_usd', people) }} as decimal(18, 2))
            as value_of_hours_saved_usd,
        cast(paid_back.ai_total_cost_usd as decimal(18, 2)) as ai_total_cost_usd,
        {#- a control team's net gain is null (int_net_productivity_team_monthly), so are its
            cumulative net gain, roi and payback month #}
        cast({{ suppress_small_cell('paid_back.net_productivity_gain_usd', people) }} as decimal(18, 2))
            as net_productivity_gain_usd,
        cast({{ suppress_small_cell('paid_back.cumulative_value_of_hours_saved_usd', people_to_date) }} as decimal(18, 2))
            as cumulative_value_of_hours_saved_usd,
        cast(paid_back.cumulative_ai_total_cost_usd as decimal(18, 2)) as cumulative_ai_total_cost_usd,
        cast({{ suppress_small_cell('paid_back.cumulative_net_productivity_gain_usd', people_to_date) }} as decimal(18, 2))
            as cumulative_net_productivity_gain_usd,
        cast({{ suppress_small_cell('paid_back.roi', people) }} as {{ type_double() }}) as roi,
        cast({{ suppress_small_cell('paid_back.payback_month', people_to_date) }} as date) as payback_month,
        {{ suppress_small_cell('coalesce(paid_back.month_start = paid_back.payback_month, false)', people_to_date) }}
            as is_payback_month
    from paid_back
    left join int_teams on paid_back.team_name = int_teams.team_name
    left join int_team_headcount_monthly
        on paid_back.team_name = int_team_headcount_monthly.team_name
        and paid_back.month_start = int_team_headcount_monthly.month_start
    left join fct_team_baselines on paid_back.team_name = fct_team_baselines.team_name
)

select * from final
