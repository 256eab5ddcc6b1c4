-- Trace one AI-assisted change to the business number it touched: the PR's AI evidence,
-- its deployment and how it was linked, its feature, the launch and the KPI delta
-- (correlational). Change the filter to follow another PR.
with

lineage as (
    select * from {{ ref('fct_change_lineage') }}
),

final as (
    select
        pull_request_id,
        repository_full_name,
        pull_number,
        ai_attribution_source,
        ai_attributed_tool,
        merged_at,
        deployment_id,
        link_method,
        deployed_at,
        lead_time_hours,
        feature_key,
        feature_name,
        feature_launch_date,
        kpi_metric_name,
        kpi_mean_before,
        kpi_mean_after,
        kpi_delta_pct,
        lineage_reaches
    from lineage
    where is_ai_assisted and lineage_reaches = 'kpi'
)

select * from final
order by merged_at desc
limit 1
