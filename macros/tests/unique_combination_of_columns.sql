{#-
    Primary-key test for a compound key: no two rows share the same values of
    `combination_of_columns`, and none of them is null. (dbt_utils is not reachable
    offline, so the project carries its own.)
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns_csv = combination_of_columns | join(', ') %}
    with validation as (
        select
            {{ columns_csv }},
            count(*) as n_records
        from {{ model }}
        group by {{ columns_csv }}
    )

    select *
    from validation
    where
        n_records > 1
        {%- for column in combination_of_columns %}
            or {{ column }} is null
        {%- endfor %}
{% endtest %}
