{#-
    Keep one row per natural key: the one from the latest dlt load (`_dlt_load_id` is an
    epoch-seconds string, so it sorts as a number). Ties broken by `tiebreak` if given.
-#}
{% macro deduplicate(relation, key_columns, tiebreak=none) -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by cast(_dlt_load_id as {{ type_double() }}) desc
                {%- if tiebreak %}, {{ tiebreak }}{% endif %}
            ) as dedup_row_number
        from {{ relation }}
    ) as ranked
    where dedup_row_number = 1
{%- endmacro %}
