{#-
    Every source is optional: a company may not have connected GitHub, Jira, PagerDuty or
    Copilot yet, and a dlt child table appears only once a row of it was loaded. Every
    staging model reads its raw table through this macro instead of `source()`. When the
    raw table does not exist, it stands in an empty relation with the table's columns, so
    the staging view and everything after it still build, and the coverage mart
    (fct_data_coverage) says which source is missing.

    The columns and types of the stand-in come from the source's YAML (`data_type` of each
    column in `_<source>__sources.yml`: the raw-table contract, ingestion/RAW_TABLES.md);
    `columns` (name -> type) overrides them. `source()` is always called, so lineage and
    freshness stay declared.
-#}
{% macro optional_source(source_name, table_name, columns=none) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute and not source_is_loaded(source_name, table_name) -%}
        {%- set columns = columns or source_column_types(source_name, table_name) -%}
        (
            select
            {%- for name, data_type in columns.items() %}
                cast(null as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
            {%- endfor %}
            where 1 = 0
        ) as stand_in
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- True when the raw table of a source exists in the warehouse (call at execution time). -#}
{% macro source_is_loaded(source_name, table_name) -%}
    {%- if model is mapping and model.get('resource_type') == 'unit_test' -%}
        {#- a unit test's fixtures stand in for the sources -#}
        {{- return(true) -}}
    {%- endif -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if relation.schema is none -%}
        {#- a unit test's fixture stands in for the source -#}
        {{- return(true) -}}
    {%- endif -%}
    {{- return(adapter.get_relation(relation.database, relation.schema, relation.identifier) is not none) -}}
{%- endmacro %}

{#- name -> data_type of a source table's columns, from its YAML; fails naming what is undeclared. -#}
{% macro source_column_types(source_name, table_name) -%}
    {%- set matches = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | list -%}
    {%- if matches | length != 1 -%}
        {{ exceptions.raise_compiler_error("optional_source: no source " ~ source_name ~ "." ~ table_name ~ " declared") }}
    {%- endif -%}
    {%- set columns = {} -%}
    {%- for name, column in matches[0].columns.items() -%}
        {%- if not column.data_type -%}
            {{ exceptions.raise_compiler_error(
                "optional_source: column " ~ name ~ " of source " ~ source_name ~ "." ~ table_name
                ~ " has no data_type in its _" ~ source_name ~ "__sources.yml (needed for the empty stand-in)"
            ) }}
        {%- endif -%}
        {%- do columns.update({name: raw_type(column.data_type)}) -%}
    {%- endfor -%}
    {{- return(columns) -}}
{%- endmacro %}

{#- A raw-table contract type in the engine's spelling: Spark has no timestamptz (its
    timestamp is instant-based, read in the session's UTC time zone). -#}
{% macro raw_type(data_type) -%}
    {{- return(adapter.dispatch('raw_type', 'ai_roi')(data_type)) -}}
{%- endmacro %}

{% macro default__raw_type(data_type) -%}
    {{- return(data_type) -}}
{%- endmacro %}

{% macro spark__raw_type(data_type) -%}
    {{- return('timestamp' if data_type | lower == 'timestamptz' else data_type) -}}
{%- endmacro %}

{#- 'true' / 'false' (SQL): whether any of the (source, table) pairs is loaded. -#}
{% macro any_source_loaded(pairs) -%}
    {%- set found = namespace(value=false) -%}
    {%- for source_name, table_name in pairs -%}
        {%- if execute and source_is_loaded(source_name, table_name) -%}{%- set found.value = true -%}{%- endif -%}
    {%- endfor -%}
    {{- 'true' if found.value else 'false' -}}
{%- endmacro %}
