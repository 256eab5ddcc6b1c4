{#-
    One row per commit and parent, with the parent's commit time: the edge list the
    ancestry walk (int_commits_joined_to_deployments) follows. Commits come from the GitHub
    API (default branch) and from the git source (the default branch and every tag, so tags
    on release branches are walked too); an edge known to both is kept once. A git commit
    has at most var('git_max_parents') parents read (octopus merges beyond that are rare). A table of its own
    so the recursive walk reads materialised rows only (re-evaluating the staging views
    inside the recursion gave nondeterministic results on DuckDB with several threads).

    Incremental: a commit's parents never change (they are part of its SHA), so a run adds
    the edges whose child or parent commit was staged since the newest edge built (less
    var('incremental_lookback_days')); a parent that arrives after its child still gets
    its edge.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key=['repository_full_name', 'commit_sha', 'parent_sha'],
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

parents as (
    select * from {{ ref('int_commit_parents_unioned') }}
),

commits as (
    select * from {{ ref('int_commits_unioned') }}
),

git_commits as (
    select * from {{ ref('stg_git__commits') }}
),

git_parent_pairs as (
    {%- for position in range(1, var('git_max_parents') + 1) %}
        select
            repository_full_name,
            commit_sha,
            {{ dbt.split_part('parent_shas', "','", position) }} as parent_sha,
            loaded_at
        from git_commits
        where {{ dbt.split_part('parent_shas', "','", position) }} != ''
        {{- "\n    union all" if not loop.last }}
    {%- endfor %}
),

github_edges as (
    select
        parents.repository_full_name,
        parents.commit_sha,
        parents.parent_sha,
        commits.committed_at as parent_committed_at,
        greatest(parents.loaded_at, commits.loaded_at) as loaded_at
    from parents
    inner join commits
        on parents.repository_full_name = commits.repository_full_name
        and parents.parent_sha = commits.commit_sha
),

git_edges as (
    select
        git_parent_pairs.repository_full_name,
        git_parent_pairs.commit_sha,
        git_parent_pairs.parent_sha,
        git_commits.committed_at as parent_committed_at,
        greatest(git_parent_pairs.loaded_at, git_commits.loaded_at) as loaded_at
    from git_parent_pairs
    inner join git_commits
        on git_parent_pairs.repository_full_name = git_commits.repository_full_name
        and git_parent_pairs.parent_sha = git_commits.commit_sha
),

edges as (
    select
        repository_full_name,
        commit_sha,
        parent_sha,
        min(parent_committed_at) as parent_committed_at,
        max(loaded_at) as loaded_at
    from (
        select * from github_edges
        union all
        select * from git_edges
    ) as both_sources
    group by repository_full_name, commit_sha, parent_sha
),

final as (
    select * from edges
    {% if is_incremental() %}
        where loaded_at >= ({{ incremental_cutoff('loaded_at') }})
    {% endif %}
)

select * from final
