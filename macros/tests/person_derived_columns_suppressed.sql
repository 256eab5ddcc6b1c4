{#-
    The privacy test for a whole model: every column tagged in its YAML with
    `meta: {person_derived: true, people_count_column: <column>}` is null on each row where
    fewer than var('min_group_size') distinct people stand behind it (the people count
    column is below the size or null). The rule itself is macros/privacy/suppress_small_cell.sql.

        models:
          - name: fct_task_effort_team_monthly
            data_tests:
              - person_derived_columns_suppressed
            columns:
              - name: effort_median_hours_ai_assisted
                meta: {person_derived: true, people_count_column: ai_assisted_assignees}

    The tags are read from the model's node in the graph, so the YAML is the one list. A
    failing row names the column, its people count column, the count and the value
    published. A model with the test and no tagged column is a compile error (a test that
    cannot fail), and so is a tag naming a people count column the model does not declare.
-#}
{% test person_derived_columns_suppressed(model) %}
    {%- set tagged = [] %}
    {%- if execute %}
        {%- set node = (graph.nodes.values()
            | selectattr('resource_type', 'equalto', 'model')
            | selectattr('alias', 'equalto', model.identifier)
            | list) %}
        {%- if node | length != 1 %}
            {{ exceptions.raise_compiler_error("person_derived_columns_suppressed: no single model for " ~ model) }}
        {%- endif %}
        {%- set columns = node[0].columns %}
        {%- for column in columns.values() %}
            {%- set meta = column.meta or column.config.meta or {} %}
            {%- if meta.get('person_derived') %}
                {%- set count_column = meta.get('people_count_column') %}
                {%- if not count_column or count_column not in columns %}
                    {{ exceptions.raise_compiler_error("person_derived_columns_suppressed on " ~ model ~ ": column " ~ column.name ~ " is tagged person_derived but its people_count_column '" ~ count_column ~ "' is not a column of the model") }}
                {%- endif %}
                {%- do tagged.append((column.name, count_column)) %}
            {%- endif %}
        {%- endfor %}
        {%- if not tagged %}
            {{ exceptions.raise_compiler_error("person_derived_columns_suppressed on " ~ model ~ ": no column is tagged person_derived") }}
        {%- endif %}
    {%- endif %}
    {%- for column_name, count_column in tagged %}
    select
        '{{ column_name }}' as column_name,
        '{{ count_column }}' as people_count_column,
        cast({{ count_column }} as bigint) as people_count,
        cast({{ column_name }} as {{ dbt.type_string() }}) as published_value,
        'null when {{ count_column }} < {{ var("min_group_size") }}' as rule_broken
    from {{ model }}
    where {{ column_name }} is not null and {{ is_small_cell(count_column) }}
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- else %}
    select 1 as placeholder where false
    {%- endfor %}
{% endtest %}
