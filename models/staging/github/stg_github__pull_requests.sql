{#- Incremental (see README, Design decisions: incremental staging): a run re-stages the
    rows of the loads that arrived since the last build, keyed like the raw table. -#}
{{ config(
    materialized=incremental_materialized(),
    unique_key='pull_request_id',
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

source as (
    {{ raw_rows_since_last_build(optional_source('github', 'pull_requests')) }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        cast(id as bigint) as pull_request_id,
        repository_full_name,
        cast(number as integer) as pull_number,
        {{ pseudonymize('user__login') }} as author_id,
        merge_commit_sha,
        head__sha as head_sha,

        ---------- strings
        state as pr_state,
        title,
        body,
        head__ref as head_branch,
        base__ref as base_branch,

        ---------- numerics
        cast(additions as integer) as lines_added,
        cast(deletions as integer) as lines_deleted,
        cast(changed_files as integer) as files_changed,

        ---------- booleans
        coalesce(draft, false) as is_draft,
        coalesce(lower(user__type) = 'bot', false) as is_bot_account_type,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('updated_at') }} as updated_at,
        {{ to_utc('closed_at') }} as closed_at,
        {{ to_utc('merged_at') }} as merged_at,
        -- when this version of the row reached the warehouse (dlt load), for incremental models
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from deduplicated
)

select * from renamed
