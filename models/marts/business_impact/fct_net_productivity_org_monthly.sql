{#-
    docs/metrics.md, Layer 3: "Net productivity gain = value of hours saved - AI total cost, per
    team-month and org-month, with cumulative sums, roi = net_productivity_gain /
    ai_total_cost, and the payback month (first month where cumulative gain >= 0)."

    One row per calendar month for the whole organisation: the sums over teams of the
    team-month figures before privacy suppression (int_ai_hours_saved_team_monthly for the
    hours and their value, int_ai_tco_team_monthly for cost, including any `unallocated`
    invoice), so the org figures equal the sum of the team figures. hours_saved and value
    are null only when no team has a known estimate that month; teams_with_hours_saved says
    how many had one. is_baseline_verifiable is true only when every team's baseline is.
    Privacy (suppress_small_cell): the month's hours-derived cells, roi included, are null
    unless hours_saved_people (distinct people behind the org's hours saved that month,
    int_ai_hours_saved_people) reaches var('min_group_size'); running totals and payback by
    hours_saved_people_to_date (distinct people behind any month so far,
    int_ai_hours_saved_people_to_date).
    Running totals, roi and payback month: macros/business/net_productivity_running_totals.sql.
-#}
with

int_ai_hours_saved_team_monthly as (
    select * from {{ ref('int_ai_hours_saved_team_monthly') }}
),

int_ai_tco_team_monthly as (
    select * from {{ ref('int_ai_tco_team_monthly') }}
),

fct_team_baselines as (
    select * from {{ ref('fct_team_baselines') }}
),

int_team_headcount_monthly as (
    select * from {{ ref('int_team_headcount_monthly') }}
),

hours as (
    select
        month_start,
        count(hours_saved) as teams_with_hours_saved,
        sum(hours_saved) as hours_saved,
        sum(value_of_hours_saved_usd) as value_of_hours_saved_usd
    from int_ai_hours_saved_team_monthly
    group by month_start
),

int_ai_hours_saved_people as (
    select * from {{ ref('int_ai_hours_saved_people') }}
    where estimate = '{{ hours_saved_people_estimate() }}'
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

people as (
    -- distinct people behind the org's hours saved (a person behind two teams counts once)
    {{ hours_saved_people_count('int_ai_hours_saved_people', 'int_teams', scope_types=['org']) }}
),

int_ai_hours_saved_people_to_date as (
    select * from {{ ref('int_ai_hours_saved_people_to_date') }}
    where scope_type = 'org'
),

costs as (
    select
        month_start,
        sum(ai_total_cost_usd) as ai_total_cost_usd,
        sum(licence_cost_usd) as licence_cost_usd
    from int_ai_tco_team_monthly
    group by month_start
),

headcount as (
    select
        month_start,
        sum(rostered_members) as rostered_members
    from int_team_headcount_monthly
    group by month_start
),

baselines as (
    select coalesce(min(case when is_verifiable then 1 else 0 end) = 1, false) as is_baseline_verifiable
    from fct_team_baselines
),

joined as (
    select
        coalesce(costs.month_start, hours.month_start) as month_start,
        coalesce(hours.teams_with_hours_saved, 0) as teams_with_hours_saved,
        hours.hours_saved,
        hours.value_of_hours_saved_usd,
        coalesce(people.hours_saved_people, 0) as hours_saved_people,
        coalesce(int_ai_hours_saved_people_to_date.hours_saved_people_to_date, 0) as hours_saved_people_to_date,
        coalesce(costs.ai_total_cost_usd, 0) as ai_total_cost_usd,
        coalesce(costs.licence_cost_usd, 0) as licence_cost_usd
    from hours
    full outer join costs on hours.month_start = costs.month_start
    left join people on coalesce(costs.month_start, hours.month_start) = people.period_start
    left join int_ai_hours_saved_people_to_date
        on coalesce(costs.month_start, hours.month_start) = int_ai_hours_saved_people_to_date.month_start
),

netted as (
    select
        *,
        value_of_hours_saved_usd - ai_total_cost_usd as net_productivity_gain_usd
    from joined
),

{{ net_productivity_running_totals('netted') }},

final as (
    select
        cast(paid_back.month_start as date) as month_start,
        cast(coalesce(headcount.rostered_members, 0) as bigint) as rostered_members,
        {{ is_small_cell('headcount.rostered_members') }} as is_suppressed,
        baselines.is_baseline_verifiable,
        cast('{{ var("hours_saved_method") }}' as {{ dbt.type_string() }}) as hours_saved_method,
        cast(paid_back.teams_with_hours_saved as bigint) as teams_with_hours_saved,
        cast(paid_back.hours_saved_people as bigint) as hours_saved_people,
        cast(paid_back.hours_saved_people_to_date as bigint) as hours_saved_people_to_date,
        {%- set people = 'paid_back.hours_saved_people' %}
        {%- set people_to_date = 'paid_back.hours_saved_people_to_date' %}
        cast({{ suppress_small_cell('paid_back.hours_saved', people) }} as {{ type_double() }}) as hours_saved,
        cast({{ suppress_small_cell('paid_back.value_of_hours_saved_usd', people) }} as decimal(18, 2))
            as value_of_hours_saved_usd,
        cast(paid_back.licence_cost_usd as decimal(18, 2)) as licence_cost_usd,
        cast(paid_back.ai_total_cost_usd as decimal(18, 2)) as ai_total_cost_usd,
        cast({{ safe_divide('paid_back.ai_total_cost_usd', 'paid_back.licence_cost_usd') }} as {{ type_double() }})
            as tco_to_licence_ratio,
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
    cross join baselines
    left join headcount on paid_back.month_start = headcount.month_start
)

select * from final
