{#-
    docs/metrics.md, Layer 1: "Suggestions shown / accepted: from AI tool telemetry: Copilot
    usage-metric reports' code_generation_activity_count / code_acceptance_activity_count
    summed over all features (the report's totals), ... or the generic usage file."
    "Active / engaged users ...: daily active users from telemetry."

    Every person-level (or team-level) telemetry source in one shape, one row per source,
    AI tool, subject and day:
    - `copilot_user_report`: the Copilot users-1-day report (one row per person and day);
      Copilot reports only say whether chat / agent was used that day, so chat_sessions and
      agent_sessions are 1 for a day with that use;
    - `cursor_admin_api` and `claude_code_analytics_api`: the native Cursor and Claude Code
      telemetry (stg_cursor__usage_days, stg_claude_code__usage_days: their column mapping is
      in their YAML); a Claude Code API-key actor has no person;
    - `ai_usage_file`: the generic daily usage file of other tools (Claude Code, Cursor,
      ...), per person (`user_login`) or per team (`team:<team>` subject, person_id null).
      Where a native source has a row for the same tool, person and day, the file's row is
      dropped (the native telemetry wins; never both).
    A tool identity (a Cursor or Claude Code e-mail) counts for the roster person the
    drop folder's identity_map names for it (int_identities_mapped), else for itself.
    team_name is the person's team on the usage date (int_team_memberships, effective-dated),
    else the team named in the file. The org-level Copilot sources (organization report,
    legacy metrics) carry no person or team and live in int_ai_usage_org_daily only: team
    grain uses person-level sources only.

    Incremental (telemetry is the largest event source): a run re-reads rows loaded since
    the newest load already built, minus var('incremental_lookback_days') (`loaded_at`).
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key=['source', 'ai_tool', 'subject_id', 'usage_date'],
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

stg_copilot__user_daily_reports as (
    select * from {{ ref('stg_copilot__user_daily_reports') }}
    {% if is_incremental() %}
        where loaded_at >= ({{ incremental_cutoff('loaded_at') }})
    {% endif %}
),

stg_ai_usage_files__usage_days as (
    select * from {{ ref('stg_ai_usage_files__usage_days') }}
    {% if is_incremental() %}
        where loaded_at >= ({{ incremental_cutoff('loaded_at') }})
    {% endif %}
),

stg_cursor__usage_days as (
    select * from {{ ref('stg_cursor__usage_days') }}
),

stg_claude_code__usage_days as (
    select * from {{ ref('stg_claude_code__usage_days') }}
),

int_identities_mapped as (
    select * from {{ ref('int_identities_mapped') }}
),

int_team_memberships as (
    select * from {{ ref('int_team_memberships') }}
),

native_rows as (
    select
        'cursor_admin_api' as source,
        ai_tool,
        person_id as subject_id,
        person_id,
        usage_date,
        suggestions_shown,
        suggestions_accepted,
        lines_suggested,
        lines_accepted,
        chat_sessions,
        agent_sessions,
        tokens,
        cost_usd,
        loaded_at
    from stg_cursor__usage_days
    union all
    select
        'claude_code_analytics_api' as source,
        ai_tool,
        subject_id,
        person_id,
        usage_date,
        suggestions_shown,
        suggestions_accepted,
        lines_suggested,
        lines_accepted,
        chat_sessions,
        agent_sessions,
        tokens,
        cost_usd,
        loaded_at
    from stg_claude_code__usage_days
),

native_mapped as (
    select
        native_rows.source,
        native_rows.ai_tool,
        native_rows.subject_id,
        coalesce(int_identities_mapped.person_id, native_rows.person_id) as person_id,
        cast(null as {{ dbt.type_string() }}) as reported_team_name,
        native_rows.usage_date,
        coalesce(native_rows.suggestions_shown, 0) as suggestions_shown,
        coalesce(native_rows.suggestions_accepted, 0) as suggestions_accepted,
        coalesce(native_rows.lines_suggested, 0) as lines_suggested,
        coalesce(native_rows.lines_accepted, 0) as lines_accepted,
        coalesce(native_rows.chat_sessions, 0) as chat_sessions,
        coalesce(native_rows.agent_sessions, 0) as agent_sessions,
        cast(0 as bigint) as interactions,
        native_rows.tokens,
        native_rows.cost_usd,
        native_rows.loaded_at
    from native_rows
    left join int_identities_mapped
        on native_rows.person_id = int_identities_mapped.identity_id
),

copilot_rows as (
    select
        'copilot_user_report' as source,
        'github_copilot' as ai_tool,
        person_id as subject_id,
        person_id,
        cast(null as {{ dbt.type_string() }}) as reported_team_name,
        usage_date,
        suggestions_shown,
        suggestions_accepted,
        lines_suggested,
        lines_accepted,
        cast(case when used_chat then 1 else 0 end as bigint) as chat_sessions,
        cast(case when used_agent then 1 else 0 end as bigint) as agent_sessions,
        interactions,
        cast(null as bigint) as tokens,
        cast(null as decimal(18, 4)) as cost_usd,
        loaded_at
    from stg_copilot__user_daily_reports
),

file_rows as (
    select
        'ai_usage_file' as source,
        stg_ai_usage_files__usage_days.ai_tool,
        stg_ai_usage_files__usage_days.subject_id,
        coalesce(int_identities_mapped.person_id, stg_ai_usage_files__usage_days.person_id) as person_id,
        stg_ai_usage_files__usage_days.team_name as reported_team_name,
        stg_ai_usage_files__usage_days.usage_date,
        coalesce(stg_ai_usage_files__usage_days.suggestions_shown, 0) as suggestions_shown,
        coalesce(stg_ai_usage_files__usage_days.suggestions_accepted, 0) as suggestions_accepted,
        coalesce(stg_ai_usage_files__usage_days.lines_suggested, 0) as lines_suggested,
        coalesce(stg_ai_usage_files__usage_days.lines_accepted, 0) as lines_accepted,
        coalesce(stg_ai_usage_files__usage_days.chat_sessions, 0) as chat_sessions,
        coalesce(stg_ai_usage_files__usage_days.agent_sessions, 0) as agent_sessions,
        cast(0 as bigint) as interactions,
        stg_ai_usage_files__usage_days.tokens,
        stg_ai_usage_files__usage_days.cost_usd,
        stg_ai_usage_files__usage_days.loaded_at
    from stg_ai_usage_files__usage_days
    left join int_identities_mapped
        on stg_ai_usage_files__usage_days.person_id = int_identities_mapped.identity_id
),

file_rows_without_native as (
    select file_rows.*
    from file_rows
    left join native_mapped
        on file_rows.ai_tool = native_mapped.ai_tool
        and file_rows.person_id = native_mapped.person_id
        and file_rows.usage_date = native_mapped.usage_date
    where native_mapped.person_id is null
),

native_in_slice as (
    select * from native_mapped
    {% if is_incremental() %}
        where loaded_at >= ({{ incremental_cutoff('loaded_at') }})
    {% endif %}
),

unioned as (
    select * from copilot_rows
    union all
    select * from file_rows_without_native
    union all
    select * from native_in_slice
),

person_teams as (
    -- the person's team on the usage date (one, should memberships overlap)
    select
        unioned.source,
        unioned.ai_tool,
        unioned.subject_id,
        unioned.usage_date,
        min(int_team_memberships.team_name) as member_team_name
    from unioned
    inner join int_team_memberships
        on unioned.person_id = int_team_memberships.person_id
        and unioned.usage_date >= int_team_memberships.valid_from
        and unioned.usage_date < int_team_memberships.valid_to
    group by unioned.source, unioned.ai_tool, unioned.subject_id, unioned.usage_date
),

final as (
    select
        ---------- ids
        unioned.source,
        unioned.ai_tool,
        unioned.subject_id,
        unioned.person_id,
        coalesce(person_teams.member_team_name, unioned.reported_team_name) as team_name,

        ---------- numerics
        cast(unioned.suggestions_shown as bigint) as suggestions_shown,
        cast(unioned.suggestions_accepted as bigint) as suggestions_accepted,
        cast(unioned.lines_suggested as bigint) as lines_suggested,
        cast(unioned.lines_accepted as bigint) as lines_accepted,
        cast(unioned.chat_sessions as bigint) as chat_sessions,
        cast(unioned.agent_sessions as bigint) as agent_sessions,
        cast(unioned.tokens as bigint) as tokens,
        cast(unioned.cost_usd as decimal(18, 4)) as cost_usd,

        ---------- booleans
        unioned.person_id is null as is_team_level,
        (
            unioned.suggestions_shown > 0
            or unioned.suggestions_accepted > 0
            or unioned.lines_suggested > 0
            or unioned.chat_sessions > 0
            or unioned.agent_sessions > 0
            or unioned.interactions > 0
        ) as is_active,

        ---------- dates
        unioned.usage_date,
        unioned.loaded_at

    from unioned
    left join person_teams
        on unioned.source = person_teams.source
        and unioned.ai_tool = person_teams.ai_tool
        and unioned.subject_id = person_teams.subject_id
        and unioned.usage_date = person_teams.usage_date
)

select * from final
