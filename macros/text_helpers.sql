{#- First match of a regular expression (or null). DuckDB: regexp_extract returns '' on no match. -#}
{% macro regex_extract(column, pattern) -%}
    {{ return(adapter.dispatch('regex_extract', 'ai_roi')(column, pattern)) }}
{%- endmacro %}

{% macro default__regex_extract(column, pattern) -%}
    regexp_substr({{ column }}, '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regex_extract(column, pattern) -%}
    nullif(regexp_extract({{ column }}, '{{ pattern }}'), '')
{%- endmacro %}

{#- True when `column` (lower-cased) contains `pattern_column` (already lower-case). -#}
{% macro contains_text(column, pattern_column) -%}
    {{ return(adapter.dispatch('contains_text', 'ai_roi')(column, pattern_column)) }}
{%- endmacro %}

{% macro default__contains_text(column, pattern_column) -%}
    (strpos(lower({{ column }}), {{ pattern_column }}) > 0)
{%- endmacro %}

{% macro spark__contains_text(column, pattern_column) -%}
    (instr(lower({{ column }}), {{ pattern_column }}) > 0)
{%- endmacro %}

{#- Epoch-seconds string (dlt's _dlt_load_id) to a timestamp. -#}
{% macro load_id_to_timestamp(column) -%}
    {{ return(adapter.dispatch('load_id_to_timestamp', 'ai_roi')(column)) }}
{%- endmacro %}

{% macro default__load_id_to_timestamp(column) -%}
    to_timestamp(cast({{ column }} as {{ type_double() }}))
{%- endmacro %}

{% macro spark__load_id_to_timestamp(column) -%}
    timestamp_seconds(cast({{ column }} as double))
{%- endmacro %}

{#- A Jinja list of strings as a SQL list of lower-case literals: 'a', 'b'. -#}
{% macro quoted_list(values) -%}
    {%- for value in values -%}
        '{{ value | lower }}'{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#-
    `as {{ materialized_cte() }} (...)`: ask the engine to compute a CTE once, where it has
    the hint (DuckDB, Postgres); elsewhere the plain CTE. Used for a small CTE that a
    recursive CTE would otherwise re-read from its base table on every iteration.
-#}
{% macro materialized_cte() -%}
    {{ return(adapter.dispatch('materialized_cte', 'ai_roi')()) }}
{%- endmacro %}

{% macro default__materialized_cte() -%}{%- endmacro %}

{% macro duckdb__materialized_cte() -%}materialized{%- endmacro %}

{% macro postgres__materialized_cte() -%}materialized{%- endmacro %}

{#- True when `column` matches the regular expression `pattern_column` (a column or a quoted
    literal), case-insensitively. -#}
{% macro matches_regex(column, pattern_column) -%}
    {{ return(adapter.dispatch('matches_regex', 'ai_roi')(column, pattern_column)) }}
{%- endmacro %}

{% macro default__matches_regex(column, pattern_column) -%}
    regexp_like(lower({{ column }}), lower({{ pattern_column }}))
{%- endmacro %}

{% macro duckdb__matches_regex(column, pattern_column) -%}
    regexp_matches(lower({{ column }}), lower({{ pattern_column }}))
{%- endmacro %}

{% macro spark__matches_regex(column, pattern_column) -%}
    lower({{ column }}) rlike lower({{ pattern_column }})
{%- endmacro %}

{#- A boolean that is true, or stops the query with `message` when `condition` holds (a
    guard in a where clause: the build fails instead of returning wrong rows). -#}
{% macro fail_when(condition, message) -%}
    (case when {{ condition }} then cast({{ adapter.dispatch('raise_error', 'ai_roi')(message) }} as boolean) else true end)
{%- endmacro %}

{% macro default__raise_error(message) -%}
    error('{{ message | replace("'", "''") }}')
{%- endmacro %}

{% macro spark__raise_error(message) -%}
    raise_error('{{ message | replace("'", "") }}')
{%- endmacro %}

{#- A stable negative id for rows a vendor gives no id (GitLab approvals, releases): minus the
    first 60 bits (15 hex digits) of the md5 of `text`, so it never collides with a vendor's
    positive ids. DuckDB casts a '0x' string; Spark converts base 16 with conv(). -#}
{% macro negative_hash_id(text) -%}
    {{ return(adapter.dispatch('negative_hash_id', 'ai_roi')(text)) }}
{%- endmacro %}

{% macro default__negative_hash_id(text) -%}
    (-1 * cast('0x' || left(md5({{ text }}), 15) as bigint))
{%- endmacro %}

{% macro spark__negative_hash_id(text) -%}
    (-1 * cast(conv(left(md5({{ text }}), 15), 16, 10) as bigint))
{%- endmacro %}
