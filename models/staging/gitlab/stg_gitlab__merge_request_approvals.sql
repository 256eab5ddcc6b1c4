{#-
    Shaped like stg_github__pull_request_reviews plus `platform`: one row per current
    approver of a merge request, review_state 'approved', submitted_at the approval time.
    review_id: GitLab approvals have no id; the negated first 60 bits of the md5 of
    (project, iid, approver), so it never collides with a GitHub review id.
    Incremental: dlt replaces a merge request's approvals when it reloads it (a withdrawn
    approval goes), so a run deletes the staged rows of every re-read merge request.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key=['repository_full_name', 'pull_number'],
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

source as (
    {{ raw_rows_since_last_build(optional_source('gitlab', 'merge_request_approvals')) }}
),

deduplicated as (
    {{ deduplicate('source', ['repository_full_name', 'merge_request_iid', 'user__username']) }}
),

renamed as (
    select
        ---------- ids
        {{ negative_hash_id(
            "repository_full_name || '!' || cast(merge_request_iid as string) || '@' || lower(user__username)"
        ) }} as review_id,
        repository_full_name,
        cast(merge_request_iid as integer) as pull_number,
        {{ pseudonymize('user__username') }} as reviewer_id,

        ---------- strings
        'approved' as review_state,

        ---------- booleans
        coalesce({{ matches_regex('user__username', "'^(project|group)_[0-9]+_bot'") }}, false)
            as is_bot_account_type,

        ---------- timestamps
        {{ to_utc('approved_at') }} as submitted_at,

        ---------- load
        -- when this version of the row reached the warehouse (dlt load), for incremental models
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at,

        ---------- platform
        'gitlab' as platform

    from deduplicated
)

select * from renamed
