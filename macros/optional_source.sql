{#-
    A source table that a company may not have (no git mirror, no second AI tool):
    when the raw table does not exist yet, stand in an empty relation with the given
    columns so the staging view, and everything after it, still builds. `source()` is
    always called so lineage and freshness stay declared.
-#}
{% macro optional_source(source_name, table_name, columns) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute and adapter.get_relation(relation.database, relation.schema, relation.identifier) is none -%}
        (
            select
            {%- for name, data_type in columns.items() %}
                cast(null as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
            {%- endfor %}
            where 1 = 0
        )
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
