{#-
    Shaped like stg_github__pull_request_commits plus `platform`. GitLab gives a commit's
    author only as name and e-mail; the source keeps a login derived from the e-mail
    (`author_login`: the username of a GitLab no-reply address, else the local part), never
    the e-mail. is_bot_account_type: GitLab has no account type on commits (false).
    Incremental: dlt replaces a merge request's whole list when it reloads it (merge key
    project + iid), so a run deletes the staged rows of every re-read merge request and
    inserts its current list.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key=['repository_full_name', 'pull_number'],
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

source as (
    {{ raw_rows_since_last_build(optional_source('gitlab', 'merge_request_commits')) }}
),

deduplicated as (
    {{ deduplicate('source', ['repository_full_name', 'merge_request_iid', 'sha']) }}
),

renamed as (
    select
        ---------- ids
        repository_full_name,
        cast(merge_request_iid as integer) as pull_number,
        sha as commit_sha,
        {{ pseudonymize('author_login') }} as author_id,

        ---------- strings
        -- Kept for AI trailers (Co-authored-by:, Made-with:); never exposed in marts.
        message as commit_message,

        ---------- booleans
        false as is_bot_account_type,

        ---------- timestamps
        {{ to_utc('authored_date') }} as authored_at,
        {{ to_utc('committed_date') }} as committed_at,

        ---------- load
        -- when this version of the row reached the warehouse (dlt load), for incremental models
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at,

        ---------- platform
        'gitlab' as platform

    from deduplicated
)

select * from renamed
