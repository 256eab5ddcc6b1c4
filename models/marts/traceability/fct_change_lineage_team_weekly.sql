{#-
    The change lineage for BI tools: fct_change_lineage (restricted, one row per PR)
    aggregated per author team, ISO week of merge and feature. Per cell: merged PRs, the
    AI-assisted share, the share deployed to production and the share whose deployment
    failed, median lead time and cycle time, and the launch of the feature.
    - team_name: the PR author's team at creation (people_flow_team_name; other bots' PRs
      have none and are left out);
    - feature_key: the epic of the work item the PR names; 'unlinked' when it names none;
    - privacy: every figure is null unless at least var('min_group_size') distinct PR
      authors stand behind the cell (pull_request_authors, suppress_small_cell).
-#}
with

fct_change_lineage as (
    select * from {{ ref('fct_change_lineage') }}
    where people_flow_team_name is not null
),

cells as (
    select
        people_flow_team_name as team_name,
        {{ week_start('merged_at') }} as week_start,
        coalesce(feature_key, 'unlinked') as feature_key,
        max(feature_name) as feature_name,
        max(feature_launch_date) as feature_launch_date,
        count(distinct author_id) as pull_request_authors,
        count(*) as merged_pull_requests,
        sum(case when is_ai_assisted then 1 else 0 end) as ai_assisted_merged_pull_requests,
        sum(case when is_deployed then 1 else 0 end) as deployed_pull_requests,
        sum(case when deployment_is_failed then 1 else 0 end) as failed_deployment_pull_requests,
        {{ median('lead_time_hours') }} as lead_time_median_hours,
        {{ median('cycle_time_hours') }} as cycle_time_median_hours
    from fct_change_lineage
    group by 1, 2, 3
),

rated as (
    select
        *,
        {{ safe_divide('ai_assisted_merged_pull_requests', 'merged_pull_requests') }} as ai_assisted_pr_share,
        {{ safe_divide('deployed_pull_requests', 'merged_pull_requests') }} as deployed_share,
        {{ safe_divide('failed_deployment_pull_requests', 'deployed_pull_requests') }} as failed_deployment_share
    from cells
),

{%- set cells = [
    ('merged_pull_requests', 'bigint'),
    ('ai_assisted_merged_pull_requests', 'bigint'),
    ('ai_assisted_pr_share', type_double()),
    ('deployed_pull_requests', 'bigint'),
    ('deployed_share', type_double()),
    ('failed_deployment_pull_requests', 'bigint'),
    ('failed_deployment_share', type_double()),
    ('lead_time_median_hours', type_double()),
    ('cycle_time_median_hours', type_double()),
] %}

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(week_start as date) as week_start,
        cast(feature_key as {{ dbt.type_string() }}) as feature_key,
        cast(feature_name as {{ dbt.type_string() }}) as feature_name,
        cast(feature_launch_date as date) as feature_launch_date,
        cast(pull_request_authors as bigint) as pull_request_authors,
        {%- for column, data_type in cells %}
            cast({{ suppress_small_cell(column, 'pull_request_authors') }} as {{ data_type }}) as {{ column }},
        {%- endfor %}
        {{ is_small_cell('pull_request_authors') }} as is_suppressed
    from rated
)

select * from final
