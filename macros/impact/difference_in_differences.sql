{#-
    Difference-in-differences (docs/metrics.md, "Impact: AI-enabled vs control"): the one
    definition of the DiD arithmetic. fct_did_estimates calls it; the unit tests and
    tests/impact/test_did_standard_error.py pin it.

    Input: a relation (or CTE name) of observations, one row per unit (team) x period
    (week) x group (metric), with a cohort ('treatment' / 'control'), a phase
    ('baseline' / 'impact'; any other phase is ignored) and a value (null values ignored).
    Output: one row per group with, for each of the four cells
    (treatment_baseline, treatment_impact, control_baseline, control_impact):
      <cell>_teams       distinct units with an observation
      <cell>_team_weeks  observations
      <cell>_mean        mean of the observations
      <cell>_variance    sample variance (n - 1 denominator; null when n < 2)
    and
      treatment_change = T_impact - T_baseline, control_change = C_impact - C_baseline
      did_estimate     = treatment_change - control_change
      did_standard_error = sqrt(sum over the four cells of variance / n)   (Welch: the
                         four cell means are independent, each with its own variance)
      welch_degrees_of_freedom = (sum v/n)^2 / sum((v/n)^2 / (n - 1))  (Welch-Satterthwaite)
      ci_lower_95 / ci_upper_95 = did_estimate -/+ z x se, z = 1.96: the normal
                         approximation (a t quantile with the Welch df would be wider for
                         small cells; the df is published so a reader can apply it)
      is_significant   = the interval excludes 0
      null_reason      = 'no control teams' / 'no treatment teams' when a cohort has no
                         observation in either phase; otherwise 'too few observations: '
                         followed by every cell with fewer than 2 observations. When set,
                         did_estimate, its standard error, interval and significance are
                         null (the cell counts and means are still published).
    Caveat: team-weeks of the same team are not independent (autocorrelation), so this
    team-week standard error is a lower bound of the uncertainty; the teams per cell are
    published so a reader can judge how many independent units stand behind a number.
-#}
{% macro difference_in_differences(
    observations,
    group_columns=['metric_name'],
    value_column='value',
    cohort_column='cohort',
    phase_column='phase',
    unit_column='team_name',
    z_value=1.96
) -%}
{%- set cells = [
    ('treatment_baseline', 'treatment', 'baseline'),
    ('treatment_impact', 'treatment', 'impact'),
    ('control_baseline', 'control', 'baseline'),
    ('control_impact', 'control', 'impact'),
] -%}
{%- set float_type = type_double() -%}
select
    {%- for column in group_columns %}
    {{ column }},
    {%- endfor %}
    {%- for cell, cohort, phase in cells %}
    {{ cell }}_teams,
    {{ cell }}_team_weeks,
    {{ cell }}_mean,
    {{ cell }}_variance,
    {%- endfor %}
    treatment_change,
    control_change,
    case when null_reason is null then did_estimate_raw end as did_estimate,
    case when null_reason is null then did_standard_error_raw end as did_standard_error,
    case when null_reason is null then welch_degrees_of_freedom_raw end as welch_degrees_of_freedom,
    case when null_reason is null then did_estimate_raw - {{ z_value }} * did_standard_error_raw end as ci_lower_95,
    case when null_reason is null then did_estimate_raw + {{ z_value }} * did_standard_error_raw end as ci_upper_95,
    case
        when null_reason is not null then null
        when did_estimate_raw - {{ z_value }} * did_standard_error_raw > 0 then true
        when did_estimate_raw + {{ z_value }} * did_standard_error_raw < 0 then true
        else false
    end as is_significant,
    null_reason
from (
    select
        with_changes.*,
        treatment_change - control_change as did_estimate_raw,
        sqrt(
            {%- for cell, cohort, phase in cells %}
            {{ cell }}_variance / {{ cell }}_team_weeks{{ " +" if not loop.last }}
            {%- endfor %}
        ) as did_standard_error_raw,
        (
            {%- for cell, cohort, phase in cells %}
            {{ cell }}_variance / {{ cell }}_team_weeks{{ " +" if not loop.last }}
            {%- endfor %}
        ) * (
            {%- for cell, cohort, phase in cells %}
            {{ cell }}_variance / {{ cell }}_team_weeks{{ " +" if not loop.last }}
            {%- endfor %}
        ) / nullif(
            {%- for cell, cohort, phase in cells %}
            ({{ cell }}_variance / {{ cell }}_team_weeks) * ({{ cell }}_variance / {{ cell }}_team_weeks)
            / nullif({{ cell }}_team_weeks - 1, 0){{ " +" if not loop.last }}
            {%- endfor %},
            0
        ) as welch_degrees_of_freedom_raw,
        case
            when control_baseline_teams + control_impact_teams = 0 then 'no control teams'
            when treatment_baseline_teams + treatment_impact_teams = 0 then 'no treatment teams'
            when
                {%- for cell, cohort, phase in cells %}
                {{ cell }}_team_weeks < 2{{ " or" if not loop.last }}
                {%- endfor %}
                then 'too few observations: ' || substr(
                    {%- for cell, cohort, phase in cells %}
                    case when {{ cell }}_team_weeks < 2 then ', {{ cell }}' else '' end{{ " ||" if not loop.last }}
                    {%- endfor %},
                    3
                )
        end as null_reason
    from (
        select
            cells.*,
            treatment_impact_mean - treatment_baseline_mean as treatment_change,
            control_impact_mean - control_baseline_mean as control_change
        from (
            select
                {%- for column in group_columns %}
                {{ column }},
                {%- endfor %}
                {%- for cell, cohort, phase in cells %}
                {%- set in_cell = cohort_column ~ " = '" ~ cohort ~ "' and " ~ phase_column ~ " = '" ~ phase ~ "'" %}
                count(distinct case when {{ in_cell }} then {{ unit_column }} end) as {{ cell }}_teams,
                sum(case when {{ in_cell }} then 1 else 0 end) as {{ cell }}_team_weeks,
                avg(case when {{ in_cell }} then cast({{ value_column }} as {{ float_type }}) end) as {{ cell }}_mean,
                var_samp(case when {{ in_cell }} then cast({{ value_column }} as {{ float_type }}) end) as {{ cell }}_variance{{ "," if not loop.last }}
                {%- endfor %}
            from {{ observations }}
            where
                {{ value_column }} is not null
                and {{ cohort_column }} in ('treatment', 'control')
                and {{ phase_column }} in ('baseline', 'impact')
            group by
                {%- for column in group_columns %}
                {{ column }}{{ "," if not loop.last }}
                {%- endfor %}
        ) as cells
    ) as with_changes
) as estimated
{%- endmacro %}
