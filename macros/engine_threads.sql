{#-
    Engine threads per concurrent model (on-run-start hook in dbt_project.yml).

    dbt runs `threads` models at once (profiles.yml: 2); DuckDB gives each query every
    core by default, so on 2 cores two concurrent models ran four worker threads on two
    cores. The hook splits the cores between dbt's threads: DuckDB threads =
    max(1, cores // dbt threads), i.e. 1 on a 2-core CI runner, 4 on an 8-core laptop
    with dbt threads 2. At the full bench size on 2 cores the daily incremental build
    went from 21.9-22.4 s to 19.4-20.5 s; the full build did not change (33 s).
    `--vars '{duckdb_threads: N}'` sets N instead. Other engines: no statement.
-#}
{% macro set_engine_threads() %}
    {{- return(adapter.dispatch('set_engine_threads')()) -}}
{% endmacro %}

{% macro default__set_engine_threads() %}
    {{- return('') -}}
{% endmacro %}

{% macro duckdb__set_engine_threads() %}
    {%- if not execute -%}
        {{- return('') -}}
    {%- endif -%}
    {%- set threads = var('duckdb_threads', none) -%}
    {%- if threads is none -%}
        {#- the default (every core), not what an earlier run in this process set -#}
        {%- do run_query("reset threads") -%}
        {%- set cores = run_query("select current_setting('threads')").columns[0].values()[0] | int -%}
        {%- set threads = [1, cores // target.threads] | max -%}
    {%- endif -%}
    {{- return('set threads = ' ~ (threads | int)) -}}
{% endmacro %}
