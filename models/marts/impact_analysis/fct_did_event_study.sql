{#-
    The event study of the staggered difference-in-differences: per headline metric and
    week since rollout (k = -baseline weeks .. var did_event_study_last_week, default
    -8 .. 20), the weighted mean of the group-time effects ATT(g, g + k) over rollout
    cohorts (weights = treated team-weeks), with a 95% interval and a p-value from the
    same team-level randomisation inference as fct_did_estimates
    (fct_did_randomisation_inference has the definitions). Weeks before rollout are
    placebo checks (each team's week k against its own pre-rollout window mean; they
    should hover around 0), weeks 0 .. impact start - 1 the adoption window, later weeks
    the impact weeks that fct_did_estimates aggregates (and beyond k = 20, which the
    aggregate also includes). Only weeks with an estimate have a row.
-#}
{%- set metrics = impact_headline_metrics() -%}
with

inference as (
    select * from {{ ref('fct_did_randomisation_inference') }}
    where result_type = 'event_week'
),

metric_catalogue as (
    {%- for metric in metrics %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            '{{ metric.metric_name }}' as metric_name,
            '{{ metric.label }}' as metric_label,
            '{{ metric.unit }}' as metric_unit
    {%- endfor %}
),

final as (
    select
        cast(inference.metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(metric_catalogue.metric_label as {{ dbt.type_string() }}) as metric_label,
        cast(metric_catalogue.metric_unit as {{ dbt.type_string() }}) as metric_unit,
        cast(inference.weeks_since_rollout as {{ dbt.type_int() }}) as weeks_since_rollout,
        cast(
            case
                when inference.weeks_since_rollout < 0 then 'baseline'
                when inference.is_in_aggregate then 'impact'
                else 'adoption'
            end as {{ dbt.type_string() }}
        ) as phase,
        cast(inference.estimate as {{ type_double() }}) as estimate,
        cast(inference.ci_lower_95 as {{ type_double() }}) as ci_lower_95,
        cast(inference.ci_upper_95 as {{ type_double() }}) as ci_upper_95,
        cast(inference.interval_is_bounded as boolean) as interval_is_bounded,
        cast(inference.p_value as {{ type_double() }}) as p_value,
        cast(inference.p_value < 0.05 as boolean) as is_significant,
        cast(inference.treated_change as {{ type_double() }}) as treated_change,
        cast(inference.comparison_change as {{ type_double() }}) as comparison_change,
        cast(inference.treated_teams as {{ dbt.type_bigint() }}) as treated_teams,
        cast(inference.treated_team_weeks as {{ dbt.type_bigint() }}) as treated_team_weeks,
        cast(inference.control_teams as {{ dbt.type_bigint() }}) as control_teams,
        cast(inference.not_yet_treated_teams as {{ dbt.type_bigint() }}) as not_yet_treated_teams,
        cast(inference.rollout_cohorts as {{ dbt.type_bigint() }}) as rollout_cohorts,
        cast(inference.randomisation_assignments as {{ dbt.type_bigint() }}) as randomisation_assignments
    from inference
    left join metric_catalogue on inference.metric_name = metric_catalogue.metric_name
)

select * from final
