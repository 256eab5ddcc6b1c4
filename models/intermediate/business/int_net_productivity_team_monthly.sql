{#-
    docs/metrics.md, Layer 3: "Net productivity gain = value of hours saved - AI total cost, per
    team-month and org-month."

    The one definition of a team-month's net gain, before any privacy rule, one row per team and
    calendar month (the months of either input: observation and invoice months):
    - hours_saved and value_of_hours_saved_usd: the estimate var('hours_saved_method') names
      (int_ai_hours_saved_team_monthly), null when unknown; hours_saved_people: the distinct
      people behind that month's hours saved (0 without any);
    - ai_total_cost_usd: the month's allocated AI cost (int_ai_tco_team_monthly), 0 without any;
    - net_productivity_gain_usd = value_of_hours_saved_usd - ai_total_cost_usd, null when the
      value is, and null for a control team (no AI tools: nothing to net, never 0).
    Read by fct_net_productivity_team_monthly (which applies the privacy rule),
    fct_headline_intervals and fct_net_gain_waterfall (which sum it over scopes and periods
    before applying the rule once to the published cell).
-#}
with

int_ai_hours_saved_team_monthly as (
    select * from {{ ref('int_ai_hours_saved_team_monthly') }}
),

int_ai_tco_team_monthly as (
    select * from {{ ref('int_ai_tco_team_monthly') }}
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

joined as (
    select
        coalesce(int_ai_tco_team_monthly.team_name, int_ai_hours_saved_team_monthly.team_name) as team_name,
        coalesce(int_ai_tco_team_monthly.month_start, int_ai_hours_saved_team_monthly.month_start) as month_start,
        int_ai_hours_saved_team_monthly.hours_saved,
        int_ai_hours_saved_team_monthly.value_of_hours_saved_usd,
        coalesce(int_ai_hours_saved_team_monthly.hours_saved_people, 0) as hours_saved_people,
        coalesce(int_ai_tco_team_monthly.ai_total_cost_usd, 0) as ai_total_cost_usd
    from int_ai_hours_saved_team_monthly
    full outer join int_ai_tco_team_monthly
        on int_ai_hours_saved_team_monthly.team_name = int_ai_tco_team_monthly.team_name
        and int_ai_hours_saved_team_monthly.month_start = int_ai_tco_team_monthly.month_start
),

final as (
    select
        ---------- ids
        cast(joined.team_name as {{ dbt.type_string() }}) as team_name,
        cast(joined.month_start as date) as month_start,
        cast(int_teams.cohort as {{ dbt.type_string() }}) as cohort,

        ---------- hours and value
        cast(joined.hours_saved_people as bigint) as hours_saved_people,
        cast(joined.hours_saved as {{ type_double() }}) as hours_saved,
        cast(joined.value_of_hours_saved_usd as decimal(18, 2)) as value_of_hours_saved_usd,

        ---------- cost and net gain
        cast(joined.ai_total_cost_usd as decimal(18, 2)) as ai_total_cost_usd,
        {#- a control team has no AI tools: nothing to net (null, n/a; never 0) #}
        cast(
            case
                when not coalesce(int_teams.cohort = 'control', false)
                    then joined.value_of_hours_saved_usd - joined.ai_total_cost_usd
            end as decimal(18, 2)
        ) as net_productivity_gain_usd
    from joined
    left join int_teams on joined.team_name = int_teams.team_name
)

select * from final
