{#-
    The people behind the hours-saved estimate var('hours_saved_method') names, as the
    `estimate` value of int_ai_hours_saved_people (measured_control_adjusted stands on the
    measured tasks' assignees). Money marts count distinct people over their scope and period
    with it, through the one count, hours_saved_people_count (macros/privacy/):

        count(distinct case when estimate = '{{ hours_saved_people_estimate() }}' then person_id end)
-#}
{% macro hours_saved_people_estimate() -%}
    {%- set estimates = {
        'measured': 'measured',
        'measured_control_adjusted': 'measured',
        'telemetry_modelled': 'telemetry_modelled',
        'self_reported': 'self_reported',
    } -%}
    {{- estimates.get(var('hours_saved_method'), 'measured') -}}
{%- endmacro %}
