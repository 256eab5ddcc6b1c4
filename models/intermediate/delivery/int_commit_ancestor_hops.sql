{#-
    Precomputed ancestry for the commit -> deployment walk (int_commits_joined_to_deployments):
    one row per commit, ancestor and path length in edges (hops, 1 to the stride,
    macro commit_walk_stride: var('commit_walk_stride'), else 4 on DuckDB and 16 on Spark),
    with path_floor_at, the latest walk floor a path of that length can pass: over every path
    of exactly `hops` edges from the commit to the ancestor, the largest of (the oldest
    committed_at of the commits the path enters). A walk whose floor is at or before it
    reaches the ancestor in that many steps.

    Built by joining the edge list to itself stride - 1 times (no
    recursion); each length is grouped to one row per pair, so merges do not multiply paths.
    The walk then moves `stride` edges per recursion step and reads the shorter lengths
    once at the end: the recursion runs about depth / stride times instead of depth times
    (179 -> 12 steps on the demo). A full rebuild each run: the table is the edges times
    the stride, and a new edge can add paths of any of its lengths.
-#}

{%- set stride = commit_walk_stride() -%}

with

edges as (
    select
        repository_full_name,
        commit_sha,
        parent_sha,
        parent_committed_at
    from {{ ref('int_commit_parent_edges') }}
),

hops_1 as (
    select
        repository_full_name,
        commit_sha,
        parent_sha as ancestor_sha,
        parent_committed_at as path_floor_at
    from edges
),

{%- for length in range(2, stride + 1) %}

    hops_{{ length }} as (
        select
            shorter.repository_full_name,
            shorter.commit_sha,
            edges.parent_sha as ancestor_sha,
            max(
                case
                    when edges.parent_committed_at < shorter.path_floor_at then edges.parent_committed_at
                    else shorter.path_floor_at
                end
            ) as path_floor_at
        from hops_{{ length - 1 }} as shorter
        inner join edges
            on shorter.repository_full_name = edges.repository_full_name
            and shorter.ancestor_sha = edges.commit_sha
        group by shorter.repository_full_name, shorter.commit_sha, edges.parent_sha
    ),
{%- endfor %}

final as (
    {%- for length in range(1, stride + 1) %}
        select
            repository_full_name,
            commit_sha,
            ancestor_sha,
            {{ length }} as hops,
            path_floor_at
        from hops_{{ length }}
        {{- "\n        union all" if not loop.last }}
    {%- endfor %}
)

select * from final
