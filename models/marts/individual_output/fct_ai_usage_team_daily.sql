{#-
    docs/metrics.md, Layer 1: "Suggestions shown / accepted: from AI tool telemetry ...
    acceptance_rate = accepted / shown; ... Line-level: lines_acceptance_rate =
    lines_accepted / lines_suggested." "Active / engaged users ...: daily active users from
    telemetry."

    AI tool usage per team, day and tool, from person-level telemetry (Copilot users-1-day,
    the generic usage file; team-level file rows count in the sums but not in active users).
    Org-level Copilot sources (organisation report, legacy metrics) have no team and are in
    fct_ai_usage_org_daily. Rates are null when their denominator is 0. Person-derived
    columns are null unless at least var('min_group_size') distinct people have telemetry
    rows in the cell (reporting_users; suppress_small_cell): a team-day with one Copilot user
    is suppressed whatever the team's roster.
-#}
with

int_ai_usage_person_days as (
    select * from {{ ref('int_ai_usage_person_days') }}
),

int_team_headcount_weekly as (
    select * from {{ ref('int_team_headcount_weekly') }}
),

daily as (
    select
        team_name,
        usage_date,
        ai_tool,
        count(distinct case when is_active then person_id end) as active_users,
        count(distinct person_id) as reporting_users,
        max(case when is_team_level then 1 else 0 end) = 1 as has_team_level_rows,
        sum(suggestions_shown) as suggestions_shown,
        sum(suggestions_accepted) as suggestions_accepted,
        sum(lines_suggested) as lines_suggested,
        sum(lines_accepted) as lines_accepted,
        sum(chat_sessions) as chat_sessions,
        sum(agent_sessions) as agent_sessions,
        sum(tokens) as tokens,
        sum(cost_usd) as usage_cost_usd
    from int_ai_usage_person_days
    where team_name is not null
    group by team_name, usage_date, ai_tool
),

rated as (
    select
        daily.*,
        coalesce(int_team_headcount_weekly.rostered_members, 0) as rostered_members,
        {{ is_small_cell('daily.reporting_users') }} as is_suppressed,
        {{ safe_divide('daily.suggestions_accepted', 'daily.suggestions_shown') }} as acceptance_rate,
        {{ safe_divide('daily.lines_accepted', 'daily.lines_suggested') }} as lines_acceptance_rate
    from daily
    left join int_team_headcount_weekly
        on daily.team_name = int_team_headcount_weekly.team_name
        and {{ week_start('daily.usage_date') }} = int_team_headcount_weekly.week_start
),

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(usage_date as date) as usage_date,
        cast(ai_tool as {{ dbt.type_string() }}) as ai_tool,
        cast(rostered_members as bigint) as rostered_members,
        is_suppressed,
        cast(reporting_users as bigint) as reporting_users,
        has_team_level_rows,
        {%- set count_columns = [
            'active_users', 'suggestions_shown', 'suggestions_accepted', 'lines_suggested', 'lines_accepted',
            'chat_sessions', 'agent_sessions', 'tokens',
        ] %}
        {%- for column in count_columns %}
            cast({{ suppress_small_cell(column, 'reporting_users') }} as bigint) as {{ column }},
        {%- endfor %}
        cast({{ suppress_small_cell('acceptance_rate', 'reporting_users') }} as {{ type_double() }}) as acceptance_rate,
        cast({{ suppress_small_cell('lines_acceptance_rate', 'reporting_users') }} as {{ type_double() }})
            as lines_acceptance_rate,
        cast({{ suppress_small_cell('usage_cost_usd', 'reporting_users') }} as decimal(18, 2)) as usage_cost_usd
    from rated
)

select * from final
