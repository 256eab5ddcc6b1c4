{#-
    Spark (dbt-spark) versions of what differs from DuckDB, in one place (README: Running
    on Spark / Databricks). The table format is env AI_ROI_SPARK_FILE_FORMAT: `parquet`
    (plain files, the local session and CI; the default) or `delta` (Databricks).
-#}

{#- Spark's table format: only Delta/Iceberg/Hudi tables take MERGE and NOT NULL constraints. -#}
{% macro spark_table_format_is_transactional() -%}
    {{ return(env_var('AI_ROI_SPARK_FILE_FORMAT', 'parquet') in ['delta', 'iceberg', 'hudi']) }}
{%- endmacro %}

{#-
    Incremental models: `materialized=incremental_materialized()` and
    `incremental_strategy=incremental_strategy()`. DuckDB: incremental, delete+insert on the
    unique key. Spark on Delta: incremental, merge on the unique key. Spark on plain
    Parquet: a full rebuild (`table`): dbt-spark's insert_overwrite without partitions
    would replace the whole table with the new rows only, and append cannot correct a row.
-#}
{% macro incremental_materialized() -%}
    {%- if target.type == 'spark' and not spark_table_format_is_transactional() -%}
        table
    {%- else -%}
        incremental
    {%- endif -%}
{%- endmacro %}

{% macro incremental_strategy() -%}
    {%- if target.type == 'spark' -%}
        merge
    {%- else -%}
        delete+insert
    {%- endif -%}
{%- endmacro %}

{#-
    Contract constraints. Delta enforces NOT NULL (dbt-spark's ALTER ... SET NOT NULL);
    plain Parquet tables refuse the ALTER, so there the build checks the constrained
    columns itself right after creating the table and fails naming the model, column and
    null count (what a data test would catch, at the same point the constraint would).
-#}
{% macro spark__persist_constraints(relation, model) %}
    {%- set contract_config = config.get('contract') -%}
    {%- if not contract_config.enforced -%}
        {{ return('') }}
    {%- endif -%}
    {%- if spark_table_format_is_transactional() -%}
        {% do alter_table_add_constraints(relation, model.constraints) %}
        {% do alter_column_set_constraints(relation, model.columns) %}
    {%- else -%}
        {% do check_not_null_constraints(relation, model) %}
    {%- endif -%}
{% endmacro %}

{% macro check_not_null_constraints(relation, model) %}
    {%- set columns = [] -%}
    {%- for name, column in model.columns.items() -%}
        {%- for constraint in column.constraints -%}
            {%- if constraint.type == 'not_null' -%}
                {%- do columns.append(name) -%}
            {%- elif constraint.type != 'custom' -%}
                {{ exceptions.raise_compiler_error(
                    "contract of " ~ model.name ~ ": a " ~ constraint.type ~ " constraint on column "
                    ~ name ~ " has no check on plain Parquet tables (macros/spark_compat.sql)") }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if model.constraints | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            "contract of " ~ model.name ~ ": model-level constraints have no check on plain Parquet tables") }}
    {%- endif -%}
    {%- if columns | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set query -%}
        select
        {%- for name in columns %}
            sum(case when {{ name }} is null then 1 else 0 end) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
        from {{ relation }}
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {%- for name in columns -%}
        {%- if (row[loop.index0] or 0) > 0 -%}
            {{ exceptions.raise_compiler_error(
                "contract of " ~ model.name ~ ": column " ~ name ~ " is constrained not_null but "
                ~ row[loop.index0] ~ " row(s) of " ~ relation ~ " are null") }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}

{#-
    Ordered string aggregation: dbt-spark's listagg ignores the order (collect_list keeps
    no order after a shuffle). Here the values are collected with their sort keys and
    sorted before joining; `distinct <column>` sorts the distinct values themselves.
    Sort keys: the columns of `order by a, b` (ascending).
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set measure_text = measure | trim -%}
    {%- if measure_text.lower().startswith('distinct ') -%}
        {%- set collected = 'array_sort(collect_set(' ~ measure_text[9:] ~ '))' -%}
    {%- else -%}
        {%- set keys = [] -%}
        {%- if order_by_clause -%}
            {%- set clause = order_by_clause | trim -%}
            {%- if not clause.lower().startswith('order by ') or ' desc' in clause.lower() -%}
                {{ exceptions.raise_compiler_error("spark__listagg: only 'order by a, b' (ascending) is supported, got: " ~ clause) }}
            {%- endif -%}
            {%- for key in clause[9:].split(',') -%}
                {%- do keys.append(key | trim) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- set fields = [] -%}
        {%- for key in keys -%}
            {%- do fields.append(key ~ ' as k' ~ loop.index) -%}
        {%- endfor -%}
        {%- do fields.append(measure_text ~ ' as v') -%}
        {%- set collected = 'transform(array_sort(collect_list(struct(' ~ (fields | join(', ')) ~ '))), item -> item.v)' -%}
    {%- endif -%}
    {%- if limit_num -%}
        {%- set collected = 'slice(' ~ collected ~ ', 1, ' ~ limit_num ~ ')' -%}
    {%- endif -%}
    {{ return('array_join(' ~ collected ~ ', ' ~ delimiter_text ~ ')') }}
{%- endmacro %}

{#- Unit-test fixtures of sources cast to the raw-table contract types: Spark has no
    timestamptz (dbt-spark's own safe_cast otherwise). -#}
{% macro spark__safe_cast(field, type) -%}
    {%- set spark_type = raw_type(type) -%}
    {%- set field_clean = field.strip('"').strip("'") if (cast_from_string_unsupported_for(spark_type) and field is string) else field -%}
    cast({{ field_clean }} as {{ spark_type }})
{%- endmacro %}
