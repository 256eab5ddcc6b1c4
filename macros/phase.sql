{#-
    The longitudinal phase of a date for a team with reference date R (docs/metrics.md, Phases):
    pre_baseline < R - baseline_window_days <= baseline < R <= adoption < R + adoption_window_days <= impact.
    The one definition of phases; every model that labels a phase calls this.
-#}
{% macro phase_of(date_column, reference_date_column) -%}
    case
        when {{ reference_date_column }} is null or {{ date_column }} is null then null
        when {{ date_column }} < {{ dbt.dateadd('day', -1 * var('baseline_window_days'), reference_date_column) }} then 'pre_baseline'
        when {{ date_column }} < {{ reference_date_column }} then 'baseline'
        when {{ date_column }} < {{ dbt.dateadd('day', var('adoption_window_days'), reference_date_column) }} then 'adoption'
        else 'impact'
    end
{%- endmacro %}
