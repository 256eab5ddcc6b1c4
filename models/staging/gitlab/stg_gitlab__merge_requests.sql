{#-
    Shaped like stg_github__pull_requests (same columns and types, same order) plus
    `platform`, so the PR-grain intermediate models can union both.
    pull_request_id: the GitLab merge request id negated (GitHub ids are positive, so the
    two never collide). merge_commit_sha: the commit that landed on the target branch: the
    squash commit when squashed, else the merge commit, else (a fast-forward merge) the
    head SHA. pr_state: GitHub's vocabulary (opened/locked -> open; merged/closed -> closed,
    merged ones with merged_at).
    Incremental (see README, Design decisions: incremental staging): a run re-stages the
    rows of the loads that arrived since the last build, keyed like the raw table.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key='pull_request_id',
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

source as (
    {{ raw_rows_since_last_build(optional_source('gitlab', 'merge_requests')) }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        -1 * cast(id as bigint) as pull_request_id,
        repository_full_name,
        cast(iid as integer) as pull_number,
        {{ pseudonymize('author__username') }} as author_id,
        coalesce(
            squash_commit_sha,
            merge_commit_sha,
            case when state = 'merged' then sha end
        ) as merge_commit_sha,
        sha as head_sha,

        ---------- strings
        case when state in ('merged', 'closed') then 'closed' else 'open' end as pr_state,
        title,
        description as body,
        source_branch as head_branch,
        target_branch as base_branch,

        ---------- numerics
        cast(additions as integer) as lines_added,
        cast(deletions as integer) as lines_deleted,
        cast(changed_files as integer) as files_changed,

        ---------- booleans
        coalesce(draft, false) as is_draft,
        coalesce({{ matches_regex('author__username', "'^(project|group)_[0-9]+_bot'") }}, false)
            as is_bot_account_type,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('updated_at') }} as updated_at,
        -- GitHub closes a merged PR (closed_at = merge time); GitLab leaves closed_at null then
        {{ to_utc("case when state = 'merged' then merged_at when state = 'closed' then closed_at end") }}
            as closed_at,
        {{ to_utc('merged_at') }} as merged_at,
        -- when this version of the row reached the warehouse (dlt load), for incremental models
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at,

        ---------- platform
        'gitlab' as platform

    from deduplicated
)

select * from renamed
