{#-
    Shaped like stg_github__pull_request_review_comments plus `platform`: the non-system
    notes (comments, diff and discussion notes) of merge requests, for pickup time; never
    their bodies. review_comment_id: the note id negated (never collides with GitHub's).
    in_reply_to_id: GitLab's notes list does not say which note a reply answers (null).
    Incremental: dlt replaces a merge request's notes when it reloads it, so a run deletes
    the staged rows of every re-read merge request and inserts its current list.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key=['repository_full_name', 'pull_number'],
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

source as (
    {{ raw_rows_since_last_build(optional_source('gitlab', 'merge_request_notes')) }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        -1 * cast(id as bigint) as review_comment_id,
        repository_full_name,
        cast(merge_request_iid as integer) as pull_number,
        {{ pseudonymize('author__username') }} as commenter_id,
        cast(null as bigint) as in_reply_to_id,

        ---------- booleans
        coalesce({{ matches_regex('author__username', "'^(project|group)_[0-9]+_bot'") }}, false)
            as is_bot_account_type,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,

        ---------- load
        -- when this version of the row reached the warehouse (dlt load), for incremental models
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at,

        ---------- platform
        'gitlab' as platform

    from deduplicated
)

select * from renamed
