{#-
    docs/metrics.md, DORA performance tiers: each scope's quarter figures of
    rpt_ai_roi_scorecard (teams, cohorts, the organisation) placed in the tiers of the seed
    dora_performance_tiers for var('dora_report_year'): a value falls in the tier whose
    [lower_bound, upper_bound) holds it (no upper bound: open-ended). Deployment frequency is
    deploy days per week, lead time the median hours, change failure rate the share of failed
    production deployments. Time to restore has no quarter figure in the scorecard and no tier
    here (fct_delivery_team_monthly tiers it per month). The tier is null where the figure is
    (suppressed or no deployment).
-#}
with

rpt_ai_roi_scorecard as (
    select * from {{ ref('rpt_ai_roi_scorecard') }}
),

dora_performance_tiers as (
    select * from {{ ref('dora_performance_tiers') }}
    where report_year = {{ var('dora_report_year') }}
),

figures as (
    {%- set metrics = [
        ('deployment_frequency', 'deploy_days_per_week'),
        ('lead_time_for_changes', 'lead_time_median_hours'),
        ('change_failure_rate', 'change_failure_rate'),
    ] %}
    {%- for metric, column in metrics %}
        select
            scope_type,
            scope_name,
            cohort,
            quarter_start,
            is_complete_quarter,
            '{{ metric }}' as metric_name,
            cast({{ column }} as {{ type_double() }}) as metric_value
        from rpt_ai_roi_scorecard
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        cast(figures.scope_type as {{ dbt.type_string() }}) as scope_type,
        cast(figures.scope_name as {{ dbt.type_string() }}) as scope_name,
        cast(figures.cohort as {{ dbt.type_string() }}) as cohort,
        cast(figures.quarter_start as date) as quarter_start,
        figures.is_complete_quarter,
        cast(figures.metric_name as {{ dbt.type_string() }}) as metric_name,
        figures.metric_value,
        cast(dora_performance_tiers.unit as {{ dbt.type_string() }}) as metric_unit,
        cast(dora_performance_tiers.tier as {{ dbt.type_string() }}) as tier,
        cast(dora_performance_tiers.tier_rank as bigint) as tier_rank
    from figures
    left join dora_performance_tiers
        on figures.metric_name = dora_performance_tiers.metric
        and figures.metric_value >= dora_performance_tiers.lower_bound
        and (
            dora_performance_tiers.upper_bound is null
            or figures.metric_value < dora_performance_tiers.upper_bound
        )
)

select * from final
