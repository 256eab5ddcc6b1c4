{#-
    docs/metrics.md, Suggestions, acceptance and active users (per tool): usage, acceptance and telemetry-modelled hours saved of
    each AI tool, never pooled across tools (their acceptance rates count different things:
    macros/metrics/ai_tool_metrics.sql).

    One row per scope, AI tool and period (grain: scope_type, scope_name, ai_tool, period_type,
    period_start) from person-level telemetry (int_ai_usage_person_days):
    - scopes: each team (the person's team on the usage date), each cohort (its teams' rows)
      and the organisation ('org', 'all': every person-level row, mapped to a team or not);
    - periods: each ISO week with telemetry of the tool ('week'), each calendar quarter of
      the usage dates ('quarter', as rpt_ai_roi_scorecard) and the tool's whole history in
      the scope ('total', period_start = its first week, period_end its last week's Sunday);
    - first_reported_week / last_reported_week: the tool's first and last week with telemetry
      in the scope; reporting_change marks the week a tool's source starts reporting (its first
      week, unless that is the first week of any telemetry) or stops (its last week, unless
      that is the last week of any telemetry), so a change of coverage is not read as a change
      of behaviour. Weeks without telemetry inside the span are not marked.
    Privacy: a cell is suppressed unless at least var('min_group_size') distinct people have
    telemetry of the tool in it (team-level usage-file rows count in the sums, not as people);
    person-derived columns are then null. The dates and reporting_change stay.
-#}
with

int_ai_usage_person_days as (
    select * from {{ ref('int_ai_usage_person_days') }}
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

usage as (
    select
        int_ai_usage_person_days.*,
        int_teams.cohort,
        {{ week_start('int_ai_usage_person_days.usage_date') }} as week_start,
        cast({{ dbt.date_trunc('quarter', 'int_ai_usage_person_days.usage_date') }} as date) as quarter_start
    from int_ai_usage_person_days
    left join int_teams
        on int_ai_usage_person_days.team_name = int_teams.team_name
),

keyed as (
    {%- set scopes = [
        ("'team'", 'team_name', 'team_name is not null'),
        ("'cohort'", 'cohort', 'cohort is not null'),
        ("'org'", "'all'", 'true'),
    ] %}
    {%- set periods = [
        ("'week'", 'week_start'),
        ("'quarter'", 'quarter_start'),
        ("'total'", "cast('1900-01-01' as date)"),
    ] %}
    {%- for scope_type, scope_name, condition in scopes %}
        {%- set outer_last = loop.last %}
        {%- for period_type, period_key in periods %}
            select
                {{ scope_type }} as scope_type,
                {{ scope_name }} as scope_name,
                {{ period_type }} as period_type,
                {{ period_key }} as period_key,
                usage.*
            from usage
            where {{ condition }}
            {% if not (outer_last and loop.last) %}union all{% endif %}
        {%- endfor %}
    {%- endfor %}
),

aggregated as (
    select
        scope_type,
        scope_name,
        ai_tool,
        period_type,
        case when period_type = 'total' then min(week_start) else period_key end as period_start,
        case
            when period_type = 'week' then {{ dbt.dateadd('day', 6, 'period_key') }}
            when period_type = 'quarter' then {{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'period_key')) }}
            else {{ dbt.dateadd('day', 6, 'max(week_start)') }}
        end as period_end,
        min(week_start) as first_week_start,
        max(week_start) as last_week_start,
        count(distinct person_id) as people_reporting,
        count(distinct case when is_active then person_id end) as active_users,
        max(case when is_team_level then 1 else 0 end) = 1 as has_team_level_rows,
        sum(suggestions_shown) as suggestions_shown,
        sum(suggestions_accepted) as suggestions_accepted,
        sum(lines_suggested) as lines_suggested,
        sum(lines_accepted) as lines_accepted,
        sum(chat_sessions) as chat_sessions,
        sum(agent_sessions) as agent_sessions,
        sum(cost_usd) as usage_cost_usd
    from keyed
    group by scope_type, scope_name, ai_tool, period_type, period_key
),

telemetry_span as (
    select
        min(week_start) as first_telemetry_week,
        max(week_start) as last_telemetry_week
    from usage
),

tool_spans as (
    select
        scope_type,
        scope_name,
        ai_tool,
        first_week_start as first_reported_week,
        last_week_start as last_reported_week
    from aggregated
    where period_type = 'total'
),

marked as (
    select
        aggregated.*,
        tool_spans.first_reported_week,
        tool_spans.last_reported_week,
        aggregated.period_type = 'week'
        and aggregated.period_start = tool_spans.first_reported_week
        and tool_spans.first_reported_week > telemetry_span.first_telemetry_week as is_start_week,
        aggregated.period_type = 'week'
        and aggregated.period_start = tool_spans.last_reported_week
        and tool_spans.last_reported_week < telemetry_span.last_telemetry_week as is_stop_week,
        {{ is_small_cell('aggregated.people_reporting') }} as is_suppressed,
        {{ safe_divide('aggregated.suggestions_accepted', 'aggregated.suggestions_shown') }} as acceptance_rate,
        {{ safe_divide('aggregated.lines_accepted', 'aggregated.lines_suggested') }} as lines_acceptance_rate,
        {{ telemetry_modelled_hours('aggregated.lines_accepted') }} as telemetry_modelled_hours_saved
    from aggregated
    inner join tool_spans
        on aggregated.scope_type = tool_spans.scope_type
        and aggregated.scope_name = tool_spans.scope_name
        and aggregated.ai_tool = tool_spans.ai_tool
    cross join telemetry_span
),

final as (
    select
        cast(marked.scope_type as {{ dbt.type_string() }}) as scope_type,
        cast(marked.scope_name as {{ dbt.type_string() }}) as scope_name,
        cast(
            case when marked.scope_type = 'cohort' then marked.scope_name else int_teams.cohort end
            as {{ dbt.type_string() }}
        ) as cohort,
        cast(marked.ai_tool as {{ dbt.type_string() }}) as ai_tool,
        cast(marked.period_type as {{ dbt.type_string() }}) as period_type,
        cast(marked.period_start as date) as period_start,
        cast(marked.period_end as date) as period_end,
        cast({{ acceptance_definition('marked.ai_tool') }} as {{ dbt.type_string() }}) as acceptance_definition,
        cast(marked.first_reported_week as date) as first_reported_week,
        cast(marked.last_reported_week as date) as last_reported_week,
        cast(
            case
                when marked.is_start_week and marked.is_stop_week then 'starts_and_stops'
                when marked.is_start_week then 'starts'
                when marked.is_stop_week then 'stops'
            end as {{ dbt.type_string() }}
        ) as reporting_change,
        marked.is_suppressed,
        marked.has_team_level_rows,
        {%- for column in ['people_reporting', 'active_users', 'suggestions_shown', 'suggestions_accepted',
            'lines_suggested', 'lines_accepted', 'chat_sessions', 'agent_sessions'] %}
            cast({{ suppress_small_cell('marked.' ~ column, 'marked.people_reporting') }} as bigint) as {{ column }},
        {%- endfor %}
        {%- for column in ['acceptance_rate', 'lines_acceptance_rate', 'telemetry_modelled_hours_saved'] %}
            cast({{ suppress_small_cell('marked.' ~ column, 'marked.people_reporting') }} as {{ type_double() }}) as {{ column }},
        {%- endfor %}
        cast({{ suppress_small_cell('marked.usage_cost_usd', 'marked.people_reporting') }} as decimal(18, 2)) as usage_cost_usd
    from marked
    left join int_teams
        on marked.scope_type = 'team'
        and marked.scope_name = int_teams.team_name
)

select * from final
