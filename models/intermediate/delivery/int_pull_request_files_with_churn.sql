{#-
    Code churn (METRICS.md, Layer 2), one row per merged PR and changed file: the file's
    changed lines, and whether another merged PR of the same repository changed the same
    file in the var('churn_window_days') days before this PR merged.

    "Another merged PR earlier in the window" is the file's previous distinct merge time
    (a PR has one merge time, so an earlier time is always another PR): one window function
    per file instead of a self-join, which grew with the square of a hot file's changes.

    Incremental: a row depends only on the merges of its own file, so a run recomputes
    every file that a PR re-read since the last build (`loaded_at`, less
    var('incremental_lookback_days')) touches now or touched in the built table, over the
    file's whole history, and replaces those files' rows. A late-arriving older merge
    therefore re-flags the later PRs of its files too.
-#}
{{ config(
    materialized='incremental',
    unique_key=['repository_full_name', 'file_path'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns'
) }}

with

{% if is_incremental() %}
    changed_pull_requests as (
        select
            pull_request_id,
            repository_full_name,
            pull_number
        from {{ ref('int_pull_requests_enriched') }}
        where loaded_at >= ({{ incremental_cutoff('loaded_at') }})
    ),

    touched_files as (
        select
            listed.repository_full_name,
            listed.file_path
        from {{ ref('stg_github__pull_request_files') }} as listed
        inner join changed_pull_requests
            on listed.repository_full_name = changed_pull_requests.repository_full_name
            and listed.pull_number = changed_pull_requests.pull_number
        union
        select
            built.repository_full_name,
            built.file_path
        from {{ this }} as built
        inner join changed_pull_requests
            on built.pull_request_id = changed_pull_requests.pull_request_id
    ),
{% endif %}

files as (
    select * from {{ ref('stg_github__pull_request_files') }}
    {% if is_incremental() %}
        as files_source
        where exists (
            select 1 from touched_files
            where touched_files.repository_full_name = files_source.repository_full_name
                and touched_files.file_path = files_source.file_path
        )
    {% endif %}
),

pull_requests as (
    select * from {{ ref('int_pull_requests_enriched') }}
    where is_merged
),

merged_files as (
    select
        files.repository_full_name,
        files.pull_number,
        files.file_path,
        files.lines_added + files.lines_deleted as lines_changed,
        pull_requests.pull_request_id,
        pull_requests.merged_at,
        pull_requests.owner_team_name,
        pull_requests.loaded_at
    from files
    inner join pull_requests
        on files.repository_full_name = pull_requests.repository_full_name
        and files.pull_number = pull_requests.pull_number
),

file_merge_times as (
    select distinct
        repository_full_name,
        file_path,
        merged_at
    from merged_files
),

previous_merges as (
    select
        repository_full_name,
        file_path,
        merged_at,
        lag(merged_at) over (
            partition by repository_full_name, file_path order by merged_at
        ) as previous_merged_at
    from file_merge_times
),

final as (
    select
        merged_files.pull_request_id,
        merged_files.repository_full_name,
        merged_files.file_path,
        merged_files.owner_team_name,
        merged_files.merged_at,
        merged_files.lines_changed,
        coalesce(
            previous_merges.previous_merged_at
            >= {{ dbt.dateadd('day', -1 * var('churn_window_days'), 'merged_files.merged_at') }},
            false
        ) as is_churn,
        merged_files.loaded_at
    from merged_files
    inner join previous_merges
        on merged_files.repository_full_name = previous_merges.repository_full_name
        and merged_files.file_path = previous_merges.file_path
        and merged_files.merged_at = previous_merges.merged_at
)

select * from final
