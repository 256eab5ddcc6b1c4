{#- Continuous median and percentiles (spec: percentile_cont). -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('percentile_cont', 'ai_roi')(expression, 0.5)) }}
{%- endmacro %}

{% macro percentile(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'ai_roi')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{#- A ratio that is null (never 0, never an error) when the denominator is 0 or null. -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ type_double() }}) / nullif({{ denominator }}, 0))
{%- endmacro %}

{#- The mean of value weighted by weight over the rows where value is known (null without any). -#}
{% macro weighted_mean(value, weight) -%}
    {{ safe_divide('sum(' ~ value ~ ' * ' ~ weight ~ ')', 'sum(case when ' ~ value ~ ' is not null then ' ~ weight ~ ' end)') }}
{%- endmacro %}

{#- 8-byte floating point, the type of every rate and duration the marts publish. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'ai_roi')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#-
    The median of `value` per `group_by` with its distribution-free 90% interval: the order
    statistics at ranks j = max(1, floor((n - 1.645 sqrt(n)) / 2)) and n + 1 - j of the n
    known values (the normal approximation to the binomial count of values below the median,
    rounded down, so the interval errs wide: n = 10 gives ranks 2 and 9, 97.9% exact
    coverage; n = 20 ranks 6 and 15, 95.9%). Under 5 values j is 1 and the interval is the
    observed range, which holds the median with probability 1 - 2^(1 - n) only (n = 4:
    87.5%, n = 2: 50%, n = 1: a single point). Columns: the group, median_value,
    median_lower_90, median_upper_90, value_count.
-#}
{% macro median_with_interval_90(relation, group_by, value) -%}
    select
        {{ group_by }},
        {{ median(value) }} as median_value,
        max(case when value_rank = lower_rank then {{ value }} end) as median_lower_90,
        max(case when value_rank = value_count + 1 - lower_rank then {{ value }} end) as median_upper_90,
        max(value_count) as value_count
    from (
        select
            {{ group_by }},
            {{ value }},
            value_rank,
            value_count,
            greatest(1, floor((value_count - 1.645 * sqrt(value_count)) / 2)) as lower_rank
        from (
            select
                {{ group_by }},
                {{ value }},
                row_number() over (partition by {{ group_by }} order by {{ value }}) as value_rank,
                count(*) over (partition by {{ group_by }}) as value_count
            from {{ relation }}
            where {{ value }} is not null
        ) as ranked
    ) as ranked_with_bounds
    group by {{ group_by }}
{%- endmacro %}
