{#-
    For incremental event models: the earliest `column` value to re-read, i.e. the highest
    value already built minus var('incremental_lookback_days') for late-arriving data.
    Use inside `{% if is_incremental() %} where column >= ({{ incremental_cutoff('column') }}) {% endif %}`.
-#}
{% macro incremental_cutoff(column) -%}
    select {{ dbt.dateadd('day', -1 * var('incremental_lookback_days'), 'max(this_model.' ~ column ~ ')') }}
    from {{ this }} as this_model
{%- endmacro %}
