{#-
    The headline metrics of the AI-vs-control comparison (docs/metrics.md, "Impact: AI-enabled
    vs control"), defined once for fct_impact_observations_team_weekly (which metrics are
    person-derived) and fct_did_estimates (label,
    unit, which direction is an improvement, how to print it).
      metric_name        key in both marts
      label / unit       plain-language wording of the interpretation column
      lower_is_better    true: a negative DiD is an improvement
      is_person_derived  true: its team-week value rests on people, so it is null (no
                         observation) unless var('min_group_size') distinct people stand
                         behind it (suppress_small_cell, applied where the value is computed)
      display_scale      multiplier for printing (rates print in percentage points)
      display_decimals   decimals printed in the interpretation
      requires_deployment_history  true: the metric needs the deployment that shipped the
                         change (cycle time, lead time, change failure, rework), so team-weeks
                         before the team's first observed production deployment are left out:
                         PRs merged before a repository's deployment history begins are all
                         "deployed" by its first observed deployment, which inflates their
                         cycle time (e.g. a repository onboarded months after the others)
    PR size is not a headline outcome in docs/metrics.md; it is the first visible effect
    of AI assistance (bigger changes), so it is estimated alongside; smaller changes are
    treated as better (DORA: small batches).
-#}
{% macro impact_headline_metrics() -%}
{{ return([
    {'metric_name': 'pr_throughput_per_engineer_week', 'requires_deployment_history': false, 'label': 'PR throughput per engineer-week',
     'unit': 'merged PRs per engineer-week', 'lower_is_better': false, 'is_person_derived': true,
     'display_scale': 1, 'display_decimals': 2},
    {'metric_name': 'pr_cycle_time_median_hours', 'requires_deployment_history': true, 'label': 'median PR cycle time',
     'unit': 'hours', 'lower_is_better': true, 'is_person_derived': true,
     'display_scale': 1, 'display_decimals': 1},
    {'metric_name': 'lead_time_median_hours', 'requires_deployment_history': true, 'label': 'median lead time for changes',
     'unit': 'hours', 'lower_is_better': true, 'is_person_derived': false,
     'display_scale': 1, 'display_decimals': 1},
    {'metric_name': 'change_failure_rate', 'requires_deployment_history': true, 'label': 'change failure rate',
     'unit': 'percentage points', 'lower_is_better': true, 'is_person_derived': false,
     'display_scale': 100, 'display_decimals': 1},
    {'metric_name': 'rework_rate', 'requires_deployment_history': true, 'label': 'rework rate',
     'unit': 'percentage points', 'lower_is_better': true, 'is_person_derived': false,
     'display_scale': 100, 'display_decimals': 1},
    {'metric_name': 'task_effort_median_hours', 'requires_deployment_history': false, 'label': 'median task effort',
     'unit': 'hours', 'lower_is_better': true, 'is_person_derived': true,
     'display_scale': 1, 'display_decimals': 1},
    {'metric_name': 'cost_per_transaction_usd', 'requires_deployment_history': false, 'label': 'cost per transaction',
     'unit': 'USD', 'lower_is_better': true, 'is_person_derived': false,
     'display_scale': 1, 'display_decimals': 4},
    {'metric_name': 'friction_score_mean', 'requires_deployment_history': false, 'label': 'mean survey friction score (1-5)',
     'unit': 'points', 'lower_is_better': true, 'is_person_derived': true,
     'display_scale': 1, 'display_decimals': 2},
    {'metric_name': 'satisfaction_score_mean', 'requires_deployment_history': false, 'label': 'mean survey satisfaction score (1-5)',
     'unit': 'points', 'lower_is_better': false, 'is_person_derived': true,
     'display_scale': 1, 'display_decimals': 2},
    {'metric_name': 'pr_size_median_lines', 'requires_deployment_history': false, 'label': 'median PR size',
     'unit': 'lines', 'lower_is_better': true, 'is_person_derived': true,
     'display_scale': 1, 'display_decimals': 1},
]) }}
{%- endmacro %}

{#-
    A headline metric's value as text in its display unit (x display_scale, rounded to
    display_decimals), for the plain-language interpretation of fct_did_estimates.
    Expects a `metric_name` column in scope.
-#}
{% macro impact_display_value(column) -%}
    case metric_name
    {%- for metric in impact_headline_metrics() %}
        when '{{ metric.metric_name }}'
            then cast(cast(round({{ column }} * {{ metric.display_scale }}, {{ metric.display_decimals }})
                as decimal(18, {{ metric.display_decimals }})) as {{ dbt.type_string() }})
    {%- endfor %}
    end
{%- endmacro %}
