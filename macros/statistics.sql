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
