{#-
    docs/metrics.md, "Impact: AI-enabled vs control", as revised for staggered rollouts: per
    headline metric, group-time effects per rollout cohort against not-yet-treated and
    never-treated teams, aggregated with weights = treated team-weeks; inference at team
    level (randomisation over assignments of teams to the observed rollout weeks);
    is_significant only from that inference; treated and control team counts and the
    minimum detectable effect.

    One row per headline metric. The estimate, its p-value, interval, randomisation SE,
    minimum detectable effect and team counts come from fct_did_randomisation_inference
    (a dbt Python model: ATT(g, t), the aggregate and the randomisation inference; its
    docstring has the definitions). This model adds the metric's label, unit and
    improvement direction, the estimate relative to the treated teams' pre-rollout mean,
    a plain-language interpretation, and, as a diagnostic only, the naive team-week
    comparison of macro difference_in_differences (naive_* columns and the four cells:
    team-weeks treated as independent observations, Welch standard error), which
    overstates significance with few teams.
-#}
{%- set metrics = impact_headline_metrics() -%}
{%- set cells = ['treatment_baseline', 'treatment_impact', 'control_baseline', 'control_impact'] -%}
with

observations as (
    select * from {{ ref('fct_impact_observations_team_weekly') }}
),

inference as (
    select * from {{ ref('fct_did_randomisation_inference') }}
    where result_type = 'aggregate'
),

metric_catalogue as (
    {%- for metric in metrics %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            '{{ metric.metric_name }}' as metric_name,
            '{{ metric.label }}' as metric_label,
            '{{ metric.unit }}' as metric_unit,
            {{ 'true' if metric.lower_is_better else 'false' }} as lower_is_better
    {%- endfor %}
),

naive as (
    {{ difference_in_differences('observations', group_columns=['metric_name']) }}
),

joined as (
    select
        metric_catalogue.metric_name,
        metric_catalogue.metric_label,
        metric_catalogue.metric_unit,
        metric_catalogue.lower_is_better,
        inference.estimate as did_estimate,
        inference.treated_pre_rollout_mean,
        inference.treated_change,
        inference.comparison_change,
        inference.p_value,
        inference.ci_lower_95,
        inference.ci_upper_95,
        inference.interval_is_bounded,
        inference.randomisation_se,
        inference.minimum_detectable_effect,
        coalesce(inference.randomisation_assignments, 0) as randomisation_assignments,
        inference.randomisation_is_exact,
        coalesce(inference.treated_teams, 0) as treated_teams,
        coalesce(inference.control_teams, 0) as control_teams,
        coalesce(inference.not_yet_treated_teams, 0) as not_yet_treated_teams,
        coalesce(inference.rollout_cohorts, 0) as rollout_cohorts,
        coalesce(inference.treated_team_weeks, 0) as treated_team_weeks,
        -- a metric without any observation still gets its row, with the reason
        case
            when inference.metric_name is null then 'no observations'
            when inference.estimate is null then coalesce(inference.null_reason, 'no estimate')
        end as null_reason,
        {%- for cell in cells %}
            coalesce(naive.{{ cell }}_teams, 0) as {{ cell }}_teams,
            coalesce(naive.{{ cell }}_team_weeks, 0) as {{ cell }}_team_weeks,
            naive.{{ cell }}_mean,
            naive.{{ cell }}_variance,
        {%- endfor %}
        naive.treatment_change as naive_treatment_change,
        naive.control_change as naive_control_change,
        naive.did_estimate as naive_did_estimate,
        naive.did_standard_error as naive_did_standard_error,
        naive.welch_degrees_of_freedom as naive_welch_degrees_of_freedom,
        naive.ci_lower_95 as naive_ci_lower_95,
        naive.ci_upper_95 as naive_ci_upper_95,
        naive.is_significant as naive_is_significant,
        case when naive.metric_name is null then 'no observations' else naive.null_reason end as naive_null_reason
    from metric_catalogue
    left join inference on metric_catalogue.metric_name = inference.metric_name
    left join naive on metric_catalogue.metric_name = naive.metric_name
),

directed as (
    select
        *,
        case when null_reason is null then p_value < 0.05 end as is_significant,
        {{ safe_divide('did_estimate', 'treated_pre_rollout_mean') }} as did_relative_to_treatment_baseline,
        case
            when did_estimate is null then null
            when did_estimate = 0 then false
            when lower_is_better then did_estimate < 0
            else did_estimate > 0
        end as direction_is_improvement
    from joined
),

displayed as (
    -- the estimate, its interval and the detectable effect as text, in the metric's display unit
    select
        *,
        {{ impact_display_value('abs(did_estimate)') }} as did_magnitude_text,
        {{ impact_display_value('ci_lower_95') }} as ci_lower_text,
        {{ impact_display_value('ci_upper_95') }} as ci_upper_text,
        {{ impact_display_value('minimum_detectable_effect') }} as detectable_text,
        cast(cast(round(p_value, 3) as decimal(18, 3)) as {{ dbt.type_string() }}) as p_value_text
    from directed
),

interpreted as (
    select
        *,
        case
            when null_reason is not null
                then 'No estimate for ' || metric_label || ': ' || null_reason || '.'
            else
                'AI teams'' ' || metric_label || ' '
                || case
                    when did_estimate < 0 then 'fell ' || did_magnitude_text || ' ' || metric_unit || ' more than'
                    when did_estimate > 0 then 'rose ' || did_magnitude_text || ' ' || metric_unit || ' more than'
                    else 'changed exactly as much as'
                end
                || ' comparison teams'' (95% CI '
                || coalesce(ci_lower_text, 'unbounded') || ' to ' || coalesce(ci_upper_text, 'unbounded')
                || '; randomisation p = ' || p_value_text
                || ', ' || cast(treated_teams as {{ dbt.type_string() }}) || ' AI teams vs '
                || cast(control_teams as {{ dbt.type_string() }}) || ' control teams'
                || case
                    when not_yet_treated_teams > 0
                        then ' and ' || cast(not_yet_treated_teams as {{ dbt.type_string() }}) || ' not yet rolled out'
                    else ''
                end
                || '; smallest detectable effect ' || coalesce(detectable_text, 'n/a') || ' ' || metric_unit || '); '
                || case
                    when not is_significant and randomisation_assignments < 20
                        then 'not significant (' || cast(randomisation_assignments as {{ dbt.type_string() }})
                            || ' possible assignments: p cannot fall below 0.05).'
                    when not is_significant then 'not significant.'
                    when direction_is_improvement then 'significant, an improvement.'
                    else 'significant, a deterioration.'
                end
        end as interpretation
    from displayed
),

final as (
    select
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(metric_label as {{ dbt.type_string() }}) as metric_label,
        cast(metric_unit as {{ dbt.type_string() }}) as metric_unit,
        cast(lower_is_better as boolean) as lower_is_better,
        cast(did_estimate as {{ type_double() }}) as did_estimate,
        cast(did_relative_to_treatment_baseline as {{ type_double() }}) as did_relative_to_treatment_baseline,
        cast(treated_pre_rollout_mean as {{ type_double() }}) as treated_pre_rollout_mean,
        cast(treated_change as {{ type_double() }}) as treated_change,
        cast(comparison_change as {{ type_double() }}) as comparison_change,
        cast(p_value as {{ type_double() }}) as p_value,
        cast(is_significant as boolean) as is_significant,
        cast(ci_lower_95 as {{ type_double() }}) as ci_lower_95,
        cast(ci_upper_95 as {{ type_double() }}) as ci_upper_95,
        cast(interval_is_bounded as boolean) as interval_is_bounded,
        cast(randomisation_se as {{ type_double() }}) as randomisation_se,
        cast(minimum_detectable_effect as {{ type_double() }}) as minimum_detectable_effect,
        cast(randomisation_assignments as {{ dbt.type_bigint() }}) as randomisation_assignments,
        cast(randomisation_is_exact as boolean) as randomisation_is_exact,
        cast(treated_teams as {{ dbt.type_bigint() }}) as treated_teams,
        cast(control_teams as {{ dbt.type_bigint() }}) as control_teams,
        cast(not_yet_treated_teams as {{ dbt.type_bigint() }}) as not_yet_treated_teams,
        cast(rollout_cohorts as {{ dbt.type_bigint() }}) as rollout_cohorts,
        cast(treated_team_weeks as {{ dbt.type_bigint() }}) as treated_team_weeks,
        cast(direction_is_improvement as boolean) as direction_is_improvement,
        cast(null_reason as {{ dbt.type_string() }}) as null_reason,
        cast(interpretation as {{ dbt.type_string() }}) as interpretation,
        {%- for cell in cells %}
            cast({{ cell }}_teams as {{ dbt.type_bigint() }}) as {{ cell }}_teams,
            cast({{ cell }}_team_weeks as {{ dbt.type_bigint() }}) as {{ cell }}_team_weeks,
            cast({{ cell }}_mean as {{ type_double() }}) as {{ cell }}_mean,
            cast({{ cell }}_variance as {{ type_double() }}) as {{ cell }}_variance,
        {%- endfor %}
        cast(naive_treatment_change as {{ type_double() }}) as naive_treatment_change,
        cast(naive_control_change as {{ type_double() }}) as naive_control_change,
        cast(naive_did_estimate as {{ type_double() }}) as naive_did_estimate,
        cast(naive_did_standard_error as {{ type_double() }}) as naive_did_standard_error,
        cast(naive_welch_degrees_of_freedom as {{ type_double() }}) as naive_welch_degrees_of_freedom,
        cast(naive_ci_lower_95 as {{ type_double() }}) as naive_ci_lower_95,
        cast(naive_ci_upper_95 as {{ type_double() }}) as naive_ci_upper_95,
        cast(naive_is_significant as boolean) as naive_is_significant,
        cast(naive_null_reason as {{ dbt.type_string() }}) as naive_null_reason
    from interpreted
)

select * from final
