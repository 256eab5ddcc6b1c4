{#-
    Code churn (docs/metrics.md, Layer 2), one row per merged PR and changed file: the file's
    changed lines, and whether another merged PR of the same repository changed the same
    file in the var('churn_window_days') days before this PR merged.

    "Another merged PR earlier in the window" is the file's previous distinct merge time
    (a PR has one merge time, so an earlier time is always another PR): one window function
    per file instead of a self-join, which grew with the square of a hot file's changes.

    Incremental: a row depends only on earlier merges of its own file, within the window.
    A PR re-read since the last build (`loaded_at`, less var('incremental_lookback_days'))
    can change the rows of its files from its merge time on: its own, and those of later
    merges whose previous merge it now is. So per file it touches, a run recomputes the
    rows merged at or after the earliest such merge time (reading the window before it for
    their previous merges) and replaces them on (PR, file). A late-arriving older merge
    therefore re-flags the later PRs of its files. A merged PR's files and merge time never
    change on GitHub, so no row needs deleting without a replacement.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key=['pull_request_id', 'file_path'],
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

files as (
    select * from {{ ref('int_pull_request_files_unioned') }}
),

pull_requests as (
    select * from {{ ref('int_pull_requests_enriched') }}
    where is_merged
),

{% if is_incremental() %}
    changed_pull_requests as (
        select
            pull_request_id,
            repository_full_name,
            pull_number,
            merged_at
        from pull_requests
        where loaded_at >= ({{ incremental_cutoff('loaded_at') }})
    ),

    recompute_from as (
        -- per file, the earliest merge time a re-read PR has now or had when last built
        select
            repository_full_name,
            file_path,
            min(merged_at) as recompute_from_at
        from (
            select
                files.repository_full_name,
                files.file_path,
                changed_pull_requests.merged_at
            from files
            inner join changed_pull_requests
                on files.repository_full_name = changed_pull_requests.repository_full_name
                and files.pull_number = changed_pull_requests.pull_number
            union all
            select
                built.repository_full_name,
                built.file_path,
                built.merged_at
            from {{ this }} as built
            inner join changed_pull_requests
                on built.pull_request_id = changed_pull_requests.pull_request_id
        ) as changed_merges
        group by repository_full_name, file_path
    ),
{% endif %}

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
    {% if is_incremental() %}
        inner join recompute_from
            on files.repository_full_name = recompute_from.repository_full_name
            and files.file_path = recompute_from.file_path
        -- the rows to recompute, and the window before them for their previous merges
        where pull_requests.merged_at
            >= {{ dbt.dateadd('day', -1 * var('churn_window_days'), 'recompute_from.recompute_from_at') }}
    {% endif %}
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
    {% if is_incremental() %}
        inner join recompute_from
            on merged_files.repository_full_name = recompute_from.repository_full_name
            and merged_files.file_path = recompute_from.file_path
        where merged_files.merged_at >= recompute_from.recompute_from_at
    {% endif %}
)

select * from final
