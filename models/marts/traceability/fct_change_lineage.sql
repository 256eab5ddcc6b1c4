{#-
    docs/metrics.md, Traceability: "One row per merged PR: AI-assisted flag and source ->
    merge -> deploying deployment and link_method -> feature -> feature launch -> KPI
    delta. An analyst can follow a single AI-assisted change to the business number it
    touched."

    One row per merged pull request:
    - AI attribution (int_pull_requests_with_cycle_stages: is_ai_assisted,
      ai_attribution_source = the matching rule of seed ai_attribution_rules);
    - merge -> the deploying production deployment, deployed_at and link_method
      (exact_sha, ancestry, first_after_merge; before_data_window / not_deployed without
      a deployment) and whether that deployment failed (int_deployments_enriched);
    - the work item named in the PR title or branch (int_work_items_enriched.issue_key),
      its epic = the feature (feature_key), the feature's launch (int_features);
    - the KPI delta around the launch (fct_kpi_launch_deltas): the KPI named by
      var('lineage_kpi_metric_name', 'revenue') as columns, every KPI of the launch in
      kpi_deltas_summary. KPI deltas are correlational, not caused by the change.
    - lineage_reaches: the last link of the unbroken chain merge -> deployment -> feature
      -> launch -> kpi (a PR that was never deployed stops at 'merge', even when its
      feature launched).
    Restricted (schema `restricted`, README: Design decisions, "One privacy rule"): one row
    per PR is person-level data, so BI tools read the aggregate fct_change_lineage_team_weekly
    instead, and `make export` leaves this model out. It holds no name, login or e-mail:
    the author is the pseudonymous author_id only, with the author's team
    (people_flow_team_name) and the repository's owner team.
-#}
{%- set kpi_metric = var('lineage_kpi_metric_name', 'revenue') -%}
with

pull_requests as (
    select * from {{ ref('int_pull_requests_with_cycle_stages') }}
    where is_merged
),

deployments as (
    select * from {{ ref('int_deployments_enriched') }}
),

work_items as (
    select * from {{ ref('int_work_items_enriched') }}
),

features as (
    select
        *,
        -- the join key for KPI deltas: only a launched feature has any. An equi-join on
        -- this column, not `key = key and launch_date is not null` (which DuckDB runs as a
        -- nested loop for a left join)
        case when launch_date is not null then feature_key end as launched_feature_key
    from {{ ref('int_features') }}
),

kpi_launch_deltas as (
    select * from {{ ref('fct_kpi_launch_deltas') }}
),

work_item_features as (
    select
        issue_key,
        min(epic_key) as feature_key
    from work_items
    group by issue_key
),

headline_kpi as (
    select
        feature_key,
        metric_name,
        kpi_mean_before,
        kpi_mean_after,
        kpi_delta,
        kpi_delta_pct
    from kpi_launch_deltas
    where metric_name = '{{ kpi_metric }}'
),

kpi_summary as (
    select
        feature_key,
        count(*) as kpi_metrics_measured,
        {{ dbt.listagg(
            "metric_name || ': ' || case when kpi_delta_pct >= 0 then '+' else '' end || "
            ~ "coalesce(cast(cast(round(kpi_delta_pct * 100, 1) as decimal(18, 1)) as " ~ dbt.type_string() ~ ") || '%', 'n/a')",
            "'; '",
            "order by metric_name"
        ) }} as kpi_deltas_summary
    from kpi_launch_deltas
    group by feature_key
),

joined as (
    select
        pull_requests.pull_request_id,
        pull_requests.repository_full_name,
        pull_requests.pull_number,
        pull_requests.author_id,
        pull_requests.people_flow_team_name,
        pull_requests.owner_team_name,
        pull_requests.is_ai_assisted,
        pull_requests.ai_attribution_source,
        pull_requests.ai_attributed_tool,
        pull_requests.authored_by_ai_agent,
        pull_requests.merged_at,
        pull_requests.cycle_time_hours,
        pull_requests.lead_time_hours,
        pull_requests.deployment_id,
        pull_requests.deployed_at,
        pull_requests.link_method,
        deployments.is_failed as deployment_is_failed,
        pull_requests.work_item_key,
        work_item_features.issue_key is not null as has_work_item,
        work_item_features.feature_key,
        features.feature_key is not null as has_feature,
        features.feature_name,
        features.product_area,
        features.team_name as feature_team_name,
        features.launch_date as feature_launch_date,
        features.launch_date is not null as is_feature_launched,
        {{ dbt.datediff('pull_requests.deployed_at', 'features.launch_date', 'day') }}
            as days_from_deploy_to_launch,
        headline_kpi.metric_name as kpi_metric_name,
        headline_kpi.kpi_mean_before,
        headline_kpi.kpi_mean_after,
        headline_kpi.kpi_delta,
        headline_kpi.kpi_delta_pct,
        coalesce(kpi_summary.kpi_metrics_measured, 0) as kpi_metrics_measured,
        kpi_summary.kpi_deltas_summary
    from pull_requests
    left join deployments on pull_requests.deployment_id = deployments.deployment_id
    left join work_item_features on pull_requests.work_item_key = work_item_features.issue_key
    left join features on work_item_features.feature_key = features.feature_key
    left join headline_kpi on features.launched_feature_key = headline_kpi.feature_key
    left join kpi_summary on features.launched_feature_key = kpi_summary.feature_key
),

final as (
    select
        ---------- ids
        cast(pull_request_id as {{ dbt.type_bigint() }}) as pull_request_id,
        cast(repository_full_name as {{ dbt.type_string() }}) as repository_full_name,
        cast(pull_number as {{ dbt.type_bigint() }}) as pull_number,
        cast(deployment_id as {{ dbt.type_string() }}) as deployment_id,
        cast(work_item_key as {{ dbt.type_string() }}) as work_item_key,
        cast(feature_key as {{ dbt.type_string() }}) as feature_key,
        cast(author_id as {{ dbt.type_string() }}) as author_id,

        ---------- teams
        cast(people_flow_team_name as {{ dbt.type_string() }}) as people_flow_team_name,
        cast(owner_team_name as {{ dbt.type_string() }}) as owner_team_name,
        cast(feature_team_name as {{ dbt.type_string() }}) as feature_team_name,

        ---------- strings
        cast(ai_attribution_source as {{ dbt.type_string() }}) as ai_attribution_source,
        cast(ai_attributed_tool as {{ dbt.type_string() }}) as ai_attributed_tool,
        cast(link_method as {{ dbt.type_string() }}) as link_method,
        cast(feature_name as {{ dbt.type_string() }}) as feature_name,
        cast(product_area as {{ dbt.type_string() }}) as product_area,
        cast(kpi_metric_name as {{ dbt.type_string() }}) as kpi_metric_name,
        cast(kpi_deltas_summary as {{ dbt.type_string() }}) as kpi_deltas_summary,
        cast(
            case
                when deployment_id is null then 'merge'
                when not has_feature then 'deployment'
                when not is_feature_launched then 'feature'
                when kpi_metrics_measured = 0 then 'launch'
                else 'kpi'
            end as {{ dbt.type_string() }}
        ) as lineage_reaches,

        ---------- numerics
        cast(cycle_time_hours as {{ type_double() }}) as cycle_time_hours,
        cast(lead_time_hours as {{ type_double() }}) as lead_time_hours,
        cast(days_from_deploy_to_launch as integer) as days_from_deploy_to_launch,
        cast(kpi_mean_before as {{ type_double() }}) as kpi_mean_before,
        cast(kpi_mean_after as {{ type_double() }}) as kpi_mean_after,
        cast(kpi_delta as {{ type_double() }}) as kpi_delta,
        cast(kpi_delta_pct as {{ type_double() }}) as kpi_delta_pct,
        cast(kpi_metrics_measured as {{ dbt.type_bigint() }}) as kpi_metrics_measured,

        ---------- booleans
        cast(is_ai_assisted as boolean) as is_ai_assisted,
        cast(authored_by_ai_agent as boolean) as authored_by_ai_agent,
        cast(deployment_id is not null as boolean) as is_deployed,
        cast(deployment_is_failed as boolean) as deployment_is_failed,
        cast(has_work_item as boolean) as has_work_item,
        cast(has_feature as boolean) as has_feature,
        cast(is_feature_launched as boolean) as is_feature_launched,

        ---------- timestamps
        cast(merged_at as {{ dbt.type_timestamp() }}) as merged_at,
        cast(deployed_at as {{ dbt.type_timestamp() }}) as deployed_at,
        cast(feature_launch_date as date) as feature_launch_date

    from joined
)

select * from final
