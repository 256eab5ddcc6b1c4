{#-
    The project's one privacy rule (README: Design decisions, "One privacy rule"): a
    published cell is null unless at least var('min_group_size') distinct people stand
    behind it. `people_count` is an expression counting those people (distinct pseudonymised
    authors, users, assignees or respondents, computed upstream of the cell); a null count
    is treated as zero.

        {{ suppress_small_cell('acceptance_rate', 'usage_users') }}
            -> case when coalesce(usage_users, 0) >= 5 then acceptance_rate end

    is_small_cell(people_count) is the same test as a boolean (true = suppressed), for the
    marts' is_suppressed flags. Person-derived columns carry `meta: {person_derived: true,
    people_count_column: <column>}` in YAML; the generic test person_derived_columns_suppressed
    (macros/tests/) checks the published rows against this rule.
-#}
{% macro is_small_cell(people_count) -%}
    (coalesce({{ people_count }}, 0) < {{ var('min_group_size') }})
{%- endmacro %}

{% macro suppress_small_cell(expression, people_count) -%}
    case when not {{ is_small_cell(people_count) }} then {{ expression }} end
{%- endmacro %}
