{#-
    Code churn (METRICS.md, Layer 2), one row per merged PR and changed file: the file's
    changed lines, and whether another merged PR of the same repository changed the same
    file in the var('churn_window_days') days before this PR merged.
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

churned as (
    select distinct
        current_pr.pull_request_id,
        current_pr.file_path
    from merged_files as current_pr
    inner join merged_files as earlier_pr
        on current_pr.repository_full_name = earlier_pr.repository_full_name
        and current_pr.file_path = earlier_pr.file_path
        and earlier_pr.pull_request_id != current_pr.pull_request_id
        and earlier_pr.merged_at < current_pr.merged_at
        and earlier_pr.merged_at >= {{ dbt.dateadd('day', -1 * var('churn_window_days'), 'current_pr.merged_at') }}
),

final as (
    select
        merged_files.pull_request_id,
        merged_files.repository_full_name,
        merged_files.file_path,
        merged_files.owner_team_name,
        merged_files.merged_at,
        merged_files.lines_changed,
        churned.pull_request_id is not null as is_churn
    from merged_files
    left join churned
        on merged_files.pull_request_id = churned.pull_request_id
        and merged_files.file_path = churned.file_path
)

select * from final
