{#-
    METRICS.md, "Impact: AI-enabled vs control": "For each headline metric: team-week
    means for treatment and control in baseline and impact phases; did_estimate =
    (T_impact - T_baseline) - (C_impact - C_baseline), with a standard error from the
    team-week observations (Welch), a 95% interval, the number of teams and team-weeks in
    each cell, and is_significant when the interval excludes 0. No control teams: the
    estimate is null and says why."

    One row per headline metric. The arithmetic is macro difference_in_differences
    (macros/impact/), run over fct_impact_observations_team_weekly; the metric list,
    labels and improvement directions are macro impact_headline_metrics. The 95% interval
    is the normal approximation (estimate +/- 1.96 x se). Adds the improvement direction
    and a plain-language interpretation.
-#}
{%- set metrics = impact_headline_metrics() -%}
{%- set cells = ['treatment_baseline', 'treatment_impact', 'control_baseline', 'control_impact'] -%}
with

observations as (
    select * from {{ ref('fct_impact_observations_team_weekly') }}
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

estimates as (
    {{ difference_in_differences('observations', group_columns=['metric_name']) }}
),

joined as (
    select
        metric_catalogue.metric_name,
        metric_catalogue.metric_label,
        metric_catalogue.metric_unit,
        metric_catalogue.lower_is_better,
        {%- for cell in cells %}
            coalesce(estimates.{{ cell }}_teams, 0) as {{ cell }}_teams,
            coalesce(estimates.{{ cell }}_team_weeks, 0) as {{ cell }}_team_weeks,
            estimates.{{ cell }}_mean,
            estimates.{{ cell }}_variance,
        {%- endfor %}
        estimates.treatment_change,
        estimates.control_change,
        estimates.did_estimate,
        estimates.did_standard_error,
        estimates.welch_degrees_of_freedom,
        estimates.ci_lower_95,
        estimates.ci_upper_95,
        estimates.is_significant,
        -- a metric without any observation still gets its row, with the reason
        case when estimates.metric_name is null then 'no observations' else estimates.null_reason end as null_reason
    from metric_catalogue
    left join estimates on metric_catalogue.metric_name = estimates.metric_name
),

directed as (
    select
        *,
        {{ safe_divide('did_estimate', 'treatment_baseline_mean') }} as did_relative_to_treatment_baseline,
        case
            when did_estimate is null then null
            when did_estimate = 0 then false
            when lower_is_better then did_estimate < 0
            else did_estimate > 0
        end as direction_is_improvement
    from joined
),

displayed as (
    -- the estimate and its interval as text, in the metric's display unit
    select
        *,
        {{ impact_display_value('abs(did_estimate)') }} as did_magnitude_text,
        {{ impact_display_value('ci_lower_95') }} as ci_lower_text,
        {{ impact_display_value('ci_upper_95') }} as ci_upper_text
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
                || ' control teams'' (95% CI ' || ci_lower_text || ' to ' || ci_upper_text || '); '
                || case
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
        {%- for cell in cells %}
            cast({{ cell }}_teams as {{ dbt.type_bigint() }}) as {{ cell }}_teams,
            cast({{ cell }}_team_weeks as {{ dbt.type_bigint() }}) as {{ cell }}_team_weeks,
            cast({{ cell }}_mean as {{ type_double() }}) as {{ cell }}_mean,
            cast({{ cell }}_variance as {{ type_double() }}) as {{ cell }}_variance,
        {%- endfor %}
        cast(treatment_change as {{ type_double() }}) as treatment_change,
        cast(control_change as {{ type_double() }}) as control_change,
        cast(did_estimate as {{ type_double() }}) as did_estimate,
        cast(did_relative_to_treatment_baseline as {{ type_double() }}) as did_relative_to_treatment_baseline,
        cast(did_standard_error as {{ type_double() }}) as did_standard_error,
        cast(welch_degrees_of_freedom as {{ type_double() }}) as welch_degrees_of_freedom,
        cast(ci_lower_95 as {{ type_double() }}) as ci_lower_95,
        cast(ci_upper_95 as {{ type_double() }}) as ci_upper_95,
        cast(is_significant as boolean) as is_significant,
        cast(direction_is_improvement as boolean) as direction_is_improvement,
        cast(null_reason as {{ dbt.type_string() }}) as null_reason,
        cast(interpretation as {{ dbt.type_string() }}) as interpretation
    from interpreted
)

select * from final
