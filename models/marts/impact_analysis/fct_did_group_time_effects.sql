{#-
    The group-time effects ATT(g, t) behind fct_did_estimates and fct_did_event_study, one
    row per headline metric, rollout cohort g (the ISO week of the rollout; teams rolled
    out in the same week share it) and calendar week t with an estimate:
        ATT(g, t) = mean over cohort-g teams of (Y_t - own pre-rollout window mean)
                  - mean over comparison teams of (Y_t - their mean over the same window)
    Comparison teams are control (never-treated) teams and teams whose rollout week is
    after both g and t (not yet treated). did_estimate = sum of att x aggregate_weight
    (weights = treated team-weeks over the impact weeks). Computed by
    fct_did_randomisation_inference (its docstring has the definitions).
-#}
with

inference as (
    select * from {{ ref('fct_did_randomisation_inference') }}
    where result_type = 'group_time'
),

final as (
    select
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(cohort_week_start as date) as cohort_week_start,
        cast(week_start as date) as week_start,
        cast(weeks_since_rollout as {{ dbt.type_int() }}) as weeks_since_rollout,
        cast(estimate as {{ type_double() }}) as att,
        cast(treated_change as {{ type_double() }}) as treated_change,
        cast(comparison_change as {{ type_double() }}) as comparison_change,
        cast(treated_pre_rollout_mean as {{ type_double() }}) as treated_pre_rollout_mean,
        cast(treated_teams as {{ dbt.type_bigint() }}) as treated_teams,
        cast(control_teams as {{ dbt.type_bigint() }}) as control_teams,
        cast(not_yet_treated_teams as {{ dbt.type_bigint() }}) as not_yet_treated_teams,
        cast(is_in_aggregate as boolean) as is_in_aggregate,
        cast(aggregate_weight as {{ type_double() }}) as aggregate_weight
    from inference
)

select * from final
