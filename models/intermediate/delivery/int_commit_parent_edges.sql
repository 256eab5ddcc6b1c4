{#-
    One row per default-branch commit and parent, with the parent's commit time: the edge
    list the ancestry walk (int_commits_joined_to_deployments) follows. A table of its own
    so the recursive walk reads materialised rows only (re-evaluating the staging views
    inside the recursion gave nondeterministic results on DuckDB with several threads).
-#}
with

parents as (
    select * from {{ ref('stg_github__commit_parents') }}
),

commits as (
    select * from {{ ref('stg_github__commits') }}
),

final as (
    select
        parents.repository_full_name,
        parents.commit_sha,
        parents.parent_sha,
        commits.committed_at as parent_committed_at
    from parents
    inner join commits
        on parents.repository_full_name = commits.repository_full_name
        and parents.parent_sha = commits.commit_sha
)

select * from final
