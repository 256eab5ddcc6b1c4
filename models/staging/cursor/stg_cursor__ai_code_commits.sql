{{ config(materialized='table') }}  {#- pseudonymised: a table, see macros/pseudonymize.sql -#}
with

source as (
    select * from {{ optional_source('cursor', 'ai_code_commits') }}
),

deduplicated as (
    {{ deduplicate('source', ['commit_hash']) }}
),

renamed as (
    select
        ---------- ids
        commit_hash,
        {{ pseudonymize('user_email') }} as person_id,
        repo_name,

        ---------- strings
        branch_name,
        commit_source,

        ---------- numerics
        cast(total_lines_added as bigint) as lines_added,
        cast(total_lines_deleted as bigint) as lines_deleted,
        cast(coalesce(tab_lines_added, 0) + coalesce(composer_lines_added, 0) as bigint) as ai_lines_added,
        cast(tab_lines_added as bigint) as tab_lines_added,
        cast(composer_lines_added as bigint) as composer_lines_added,
        cast(non_ai_lines_added as bigint) as non_ai_lines_added,

        ---------- booleans
        is_primary_branch,

        ---------- timestamps
        {{ to_utc('commit_ts') }} as committed_at,
        cast({{ to_utc('commit_ts') }} as date) as commit_date,

        ---------- load
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from deduplicated
)

select * from renamed
