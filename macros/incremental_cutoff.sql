{#-
    For incremental event models: the earliest `column` value to re-read, i.e. the highest
    value already built minus var('incremental_lookback_days') for late-arriving data.
    Use inside `{% if is_incremental() %} where column >= ({{ incremental_cutoff('column') }}) {% endif %}`.

    When the built table has no such column yet (it was built by an older version of the
    model), everything is re-read: with `on_schema_change='append_new_columns'` the run
    then adds the column and rewrites every row, instead of failing on the missing column.
-#}
{% macro incremental_cutoff(column) -%}
    {%- set built_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if column | lower in built_columns -%}
        select {{ dbt.dateadd('day', -1 * var('incremental_lookback_days'), 'max(this_model.' ~ column ~ ')') }}
        from {{ this }} as this_model
    {%- else -%}
        select cast('1900-01-01' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}
