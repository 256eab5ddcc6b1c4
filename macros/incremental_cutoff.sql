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
        {#- coalesce: a model first built while its source was empty has no max yet, and
            `>= null` would then skip every row that arrives later -#}
        select coalesce(
            {{ dbt.dateadd('day', -1 * var('incremental_lookback_days'), 'max(this_model.' ~ column ~ ')') }},
            cast('1900-01-01' as {{ dbt.type_timestamp() }})
        )
        from {{ this }} as this_model
    {%- else -%}
        select cast('1900-01-01' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{#-
    The raw rows an incremental staging model reads: all of `relation` on a full build;
    on an incremental run only the rows whose dlt load (`load_id_column`) arrived since the
    newest load already staged, less var('incremental_lookback_days'). Deduplicate after
    this filter: a re-sent row always carries the newer load id, so the newest version of
    every key that changed is in the slice.
-#}
{% macro raw_rows_since_last_build(relation, load_id_column='_dlt_load_id') -%}
    select * from {{ relation }}
    {%- if is_incremental() %}
    where {{ load_id_to_timestamp(load_id_column) }} >= ({{ incremental_cutoff('loaded_at') }})
    {%- endif %}
{%- endmacro %}
