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
      472,110 commit links every time. 4 keeps 4 x commit_walk_max_steps (90) = 360 edges of
      depth (the demo needs 179).
-#}
{% macro commit_walk_stride() %}
    {%- set configured = var('commit_walk_stride', none) -%}
    {%- if configured is not none -%}
        {{- return(configured | int) -}}
    {%- endif -%}
    {{- return(adapter.dispatch('commit_walk_stride')()) -}}
{% endmacro %}

{% macro default__commit_walk_stride() %}
    {{- return(4) -}}
{% endmacro %}

{% macro spark__commit_walk_stride() %}
    {{- return(16) -}}
{% endmacro %}
