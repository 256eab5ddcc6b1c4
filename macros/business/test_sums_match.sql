{#-
    Allocation test: for every value of the key `column_name`, the sum of `column` in the
    model equals the sum of `compare_column` in `compare_model` (to the cent for decimals),
    and no key is missing on either side. Used to prove that AI invoices allocated to teams
    sum back to the invoices exactly. `compare_key` names the key in `compare_model` when it
    differs; `compare_where` filters `compare_model` (e.g. to the cost lines in use).
-#}
{% test sums_match(model, column_name, column, compare_model, compare_column, compare_key=none, compare_where=none) %}
    with

    allocated as (
        select
            {{ column_name }} as key_value,
            sum({{ column }}) as total
        from {{ model }}
        group by {{ column_name }}
    ),

    expected as (
        select
            {{ compare_key or column_name }} as key_value,
            sum({{ compare_column }}) as total
        from {{ compare_model }}
        {% if compare_where %}where {{ compare_where }}{% endif %}
        group by {{ compare_key or column_name }}
    )

    select
        coalesce(allocated.key_value, expected.key_value) as key_value,
        allocated.total as allocated_total,
        expected.total as expected_total
    from allocated
    full outer join expected on allocated.key_value = expected.key_value
    where
        allocated.key_value is null
        or expected.key_value is null
        or allocated.total <> expected.total
{% endtest %}
