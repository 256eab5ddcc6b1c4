{#-
    Code churn (METRICS.md, Layer 2), one row per merged PR and changed file: the file's
    changed lines, and whether another merged PR of the same repository changed the same
    file in the var('churn_window_days') days before this PR merged.

    "Another merged PR earlier in the window" is the file's previous distinct merge time
    (a PR has one merge time, so an earlier time is always another PR): one window function
    per file instead of a self-join, which grew with the square of a hot file's changes.
-#}
with

files as (
    select * from {{ ref('stg_github__pull_request_files') }}
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
        pull_requests.owner_team_name
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
        ) as is_churn
    from merged_files
    inner join previous_merges
        on merged_files.repository_full_name = previous_merges.repository_full_name
        and merged_files.file_path = previous_merges.file_path
        and merged_files.merged_at = previous_merges.merged_at
)

select * from final
