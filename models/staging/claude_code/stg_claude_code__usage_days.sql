{{ config(materialized='table') }}  {#- pseudonymised: a table, see macros/pseudonymize.sql -#}
with

source as (
    select * from {{ optional_source('claude_code', 'daily_usage') }}
),

model_breakdown as (
    select * from {{ optional_source('claude_code', 'daily_usage__model_breakdown') }}
),

deduplicated as (
    {{ deduplicate('source', ['date', 'actor_type', 'lower(trim(actor_id))', 'terminal_type']) }}
),

-- tokens and estimated cost of each report row, summed over its models
model_sums as (
    select
        _dlt_parent_id,
        sum(
            coalesce(input_tokens, 0) + coalesce(output_tokens, 0)
            + coalesce(cache_creation_tokens, 0) + coalesce(cache_read_tokens, 0)
        ) as tokens,
        sum(
            case when upper(estimated_cost_currency) = 'USD' then estimated_cost_amount end
        ) / 100 as cost_usd
    from model_breakdown
    group by _dlt_parent_id
),

-- one row per actor and day: the report may split an actor's day by terminal type
actor_days as (
    select
        deduplicated.date as usage_date,
        deduplicated.actor_type,
        lower(trim(deduplicated.actor_id)) as actor_key,
        sum(
            coalesce(deduplicated.edit_tool_accepted, 0) + coalesce(deduplicated.edit_tool_rejected, 0)
            + coalesce(deduplicated.multi_edit_tool_accepted, 0) + coalesce(deduplicated.multi_edit_tool_rejected, 0)
            + coalesce(deduplicated.notebook_edit_tool_accepted, 0) + coalesce(deduplicated.notebook_edit_tool_rejected, 0)
            + coalesce(deduplicated.write_tool_accepted, 0) + coalesce(deduplicated.write_tool_rejected, 0)
        ) as suggestions_shown,
        sum(
            coalesce(deduplicated.edit_tool_accepted, 0) + coalesce(deduplicated.multi_edit_tool_accepted, 0)
            + coalesce(deduplicated.notebook_edit_tool_accepted, 0) + coalesce(deduplicated.write_tool_accepted, 0)
        ) as suggestions_accepted,
        sum(deduplicated.lines_added) as lines_added,
        sum(deduplicated.lines_removed) as lines_removed,
        sum(deduplicated.num_sessions) as num_sessions,
        sum(deduplicated.commits_by_claude_code) as commits,
        sum(deduplicated.pull_requests_by_claude_code) as pull_requests,
        sum(model_sums.tokens) as tokens,
        sum(model_sums.cost_usd) as cost_usd,
        max(cast(deduplicated._dlt_load_id as {{ type_double() }})) as load_epoch
    from deduplicated
    left join model_sums on deduplicated._dlt_id = model_sums._dlt_parent_id
    group by deduplicated.date, deduplicated.actor_type, lower(trim(deduplicated.actor_id))
),

renamed as (
    select
        ---------- ids
        {{ pseudonymize("case when actor_type = 'api_actor' then 'api_key:' || actor_key else actor_key end") }}
            as subject_id,
        case when actor_type = 'user_actor' then {{ pseudonymize('actor_key') }} end as person_id,
        actor_type,
        'claude_code' as ai_tool,

        ---------- numerics (the usage-days shape; mapping in _claude_code__models.yml)
        cast(suggestions_shown as bigint) as suggestions_shown,
        cast(suggestions_accepted as bigint) as suggestions_accepted,
        cast(null as bigint) as lines_suggested,
        cast(lines_added as bigint) as lines_accepted,
        cast(0 as bigint) as chat_sessions,
        cast(num_sessions as bigint) as agent_sessions,
        cast(tokens as bigint) as tokens,
        cast(cost_usd as decimal(18, 4)) as cost_usd,

        ---------- numerics (Claude Code's own)
        cast(lines_removed as bigint) as lines_removed,
        cast(commits as bigint) as commits,
        cast(pull_requests as bigint) as pull_requests,

        ---------- dates
        cast(usage_date as date) as usage_date,

        ---------- load
        cast({{ load_id_to_timestamp('load_epoch') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from actor_days
)

select * from renamed
