{#-
    Range test: every non-null value of `column_name` lies in [min_value, max_value]
    (either bound may be omitted). Used for rates in [0, 1], durations >= 0, costs >= 0.
-#}
{% test is_between(model, column_name, min_value=none, max_value=none) %}
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        and (
            false
            {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
            {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
        )
{% endtest %}
