{#-
    Range test for a whole model: every non-null value of each column named in `ranges`
    lies in [min_value, max_value] (either bound may be omitted). Used for rates in [0, 1],
    counts, durations and costs >= 0.

        data_tests:
          - columns_within_ranges:
              arguments:
                ranges:
                  change_failure_rate: {min_value: 0, max_value: 1}
                  lead_time_median_hours: {min_value: 0}

    One test per model rather than one per column: each dbt test node costs ~50 ms of
    fixed overhead whatever its size, and a model's ranges are one question. A failing
    row names the column, the value and the rule it broke.
-#}
{% test columns_within_ranges(model, ranges) %}
    {%- if not ranges %}
        {{ exceptions.raise_compiler_error("columns_within_ranges on " ~ model ~ ": `ranges` is empty") }}
    {%- endif %}
    {%- for column_name, bounds in ranges.items() %}
        {%- set min_value = bounds.get('min_value') %}
        {%- set max_value = bounds.get('max_value') %}
        {%- if min_value is none and max_value is none %}
            {{ exceptions.raise_compiler_error("columns_within_ranges on " ~ model ~ ": column " ~ column_name ~ " has neither min_value nor max_value") }}
        {%- endif %}
    select
        '{{ column_name }}' as column_name,
        cast({{ column_name }} as {{ type_double() }}) as failing_value,
        '{{ "between " ~ min_value ~ " and " ~ max_value if min_value is not none and max_value is not none else (">= " ~ min_value if min_value is not none else "<= " ~ max_value) }}' as rule_broken
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            false
            {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
            {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
        )
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{% endtest %}
