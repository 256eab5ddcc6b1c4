{#-
    Parent edges the commit -> deployment walk moves per recursion step
    (int_commit_ancestor_hops, int_commits_joined_to_deployments). The stride changes only
    the speed, never the rows: the walk reads the shorter ancestries once at the end.
    `--vars '{commit_walk_stride: N}'` sets N; unset, each engine gets what is fastest there:
    - Spark: 16. Every recursion step is a Spark job (the plain walk took 97 s of a 206 s
      Spark build), so few steps matter most.
    - DuckDB and others: 4. DuckDB recurses cheaply, and the precomputed ancestry grows with
      the stride (edges x stride rows, rebuilt every run). Full bench size, 2026-12-06, the
      two models built alone: stride 16 took 14.8 s + 8.7 s (9.3M ancestry rows), 8 took
      6.3 s + 8.1 s, 4 took 3.1 s + 5.9 s (2.0M rows), 2 took 2.0 s + 5.9 s; the same
      472,110 commit links every time.
    The walk's depth bound is in edges, the same on every engine: commit_walk_max_steps()
    = var('commit_walk_max_steps') when set, else var('commit_walk_max_depth') (1,440 edges)
    / the stride: 90 steps of 16 on Spark, 360 steps of 4 on DuckDB. (A fixed 90 steps cut
    DuckDB's depth to 360 edges, and a tag deployment, which walks without a floor, needed
    more on the mixed-delivery demo.)
-#}
{% macro commit_walk_stride() %}
    {%- set configured = var('commit_walk_stride', none) -%}
    {%- if configured is none -%}
        {{- return(adapter.dispatch('commit_walk_stride')()) -}}
    {%- endif -%}
    {{- return(_commit_walk_positive('commit_walk_stride', configured)) -}}
{% endmacro %}

{#- A var of the walk as a whole number >= 1, or a compile error naming it (0 would leave the
    walk without ancestry, a negative or non-number stride without a SQL that runs). -#}
{% macro _commit_walk_positive(name, value) %}
    {%- set number = value | int(-1) -%}
    {%- if number < 1 or (value | string) != (number | string) -%}
        {{- exceptions.raise_compiler_error(
            'var(' ~ name ~ ') must be a whole number of at least 1, got ' ~ value) -}}
    {%- endif -%}
    {{- return(number) -}}
{% endmacro %}

{% macro default__commit_walk_stride() %}
    {{- return(4) -}}
{% endmacro %}

{% macro spark__commit_walk_stride() %}
    {{- return(16) -}}
{% endmacro %}

{% macro commit_walk_max_steps() %}
    {%- set configured = var('commit_walk_max_steps', none) -%}
    {%- if configured is not none -%}
        {{- return(_commit_walk_positive('commit_walk_max_steps', configured)) -}}
    {%- endif -%}
    {%- set depth = _commit_walk_positive('commit_walk_max_depth', var('commit_walk_max_depth')) -%}
    {%- set stride = commit_walk_stride() -%}
    {{- return(((depth + stride - 1) // stride) | int) -}}
{% endmacro %}
