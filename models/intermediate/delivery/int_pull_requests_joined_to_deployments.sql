{#-
    Change -> deployment link (docs/metrics.md, Layer 2), one row per merged pull request.
    A merged PR is deployed by the earliest successful production deployment of its
    repository that contains its merge commit:
      1. `exact_sha`: the deployment's SHA is the PR's merge (or squash) commit or head SHA;
      2. `ancestry`: the merge commit is an ancestor of the deployed SHA
         (int_commits_joined_to_deployments);
      3. `first_after_merge`: only when the repository has no commit ancestry loaded,
         the first successful production deployment after the merge.
    PRs merged before the data window (var('data_start_date'), default per repository:
    var('data_start_days_before_first_deployment') days before its first observed
    production deployment) are never linked (`link_method = 'before_data_window'`), so a
    repository's first deployment does not absorb months of older PRs.
-#}
with

pull_requests as (
    select * from {{ ref('int_pull_requests_enriched') }}
    where is_merged
),

deployments as (
    select * from {{ ref('int_deployments_production') }}
),

successful as (
    select * from deployments
    where is_successful
),

commit_deployments as (
    select * from {{ ref('int_commits_joined_to_deployments') }}
),

ancestry_known as (
    select repository_full_name from {{ ref('int_commits_unioned') }}
    union
    select repository_full_name from {{ ref('stg_git__commits') }}
),

repository_windows as (
    select
        repository_full_name,
        {% if var('data_start_date') %}
            cast('{{ var("data_start_date") }}' as {{ dbt.type_timestamp() }})
        {% else %}
            {{ dbt.dateadd('day', -1 * var('data_start_days_before_first_deployment'), 'min(created_at)') }}
        {% endif %} as data_start_at
    from deployments
    group by repository_full_name
),

-- the PR's merge commit or head deployed: two equi-joins on the SHA (a join on
-- `sha in (a, b)` pairs every PR with every later deployment of its repository)
exact_candidates as (
    select
        pull_requests.pull_request_id,
        successful.deployment_id,
        successful.finished_at
    from pull_requests
    inner join successful
        on pull_requests.repository_full_name = successful.repository_full_name
        and pull_requests.merge_commit_sha = successful.deployed_sha
    where successful.finished_at >= pull_requests.merged_at
    union
    select
        pull_requests.pull_request_id,
        successful.deployment_id,
        successful.finished_at
    from pull_requests
    inner join successful
        on pull_requests.repository_full_name = successful.repository_full_name
        and pull_requests.head_sha = successful.deployed_sha
    where successful.finished_at >= pull_requests.merged_at
),

exact_matches as (
    select
        pull_request_id,
        deployment_id,
        finished_at,
        row_number() over (
            partition by pull_request_id
            order by finished_at, deployment_id
        ) as match_rank
    from exact_candidates
),

ancestry_matches as (
    select
        pull_requests.pull_request_id,
        commit_deployments.deployment_id,
        commit_deployments.deployed_at as finished_at
    from pull_requests
    inner join commit_deployments
        on pull_requests.repository_full_name = commit_deployments.repository_full_name
        and pull_requests.merge_commit_sha = commit_deployments.commit_sha
),

-- only repositories without commit ancestry (filtered before the join, not after it)
fallback_pull_requests as (
    select * from pull_requests
    where repository_full_name not in (select ancestry_known.repository_full_name from ancestry_known)
),

fallback_matches as (
    select
        fallback_pull_requests.pull_request_id,
        successful.deployment_id,
        successful.finished_at,
        row_number() over (
            partition by fallback_pull_requests.pull_request_id
            order by successful.finished_at, successful.deployment_id
        ) as match_rank
    from fallback_pull_requests
    inner join successful
        on fallback_pull_requests.repository_full_name = successful.repository_full_name
        and successful.finished_at >= fallback_pull_requests.merged_at
),

linked as (
    select
        pull_requests.pull_request_id,
        pull_requests.repository_full_name,
        pull_requests.merged_at,
        repository_windows.data_start_at,
        case
            when repository_windows.data_start_at is null then null
            when pull_requests.merged_at < repository_windows.data_start_at then 'before_data_window'
            when exact_matches.deployment_id is not null then 'exact_sha'
            when ancestry_matches.deployment_id is not null then 'ancestry'
            when fallback_matches.deployment_id is not null then 'first_after_merge'
        end as link_method,
        coalesce(exact_matches.deployment_id, ancestry_matches.deployment_id, fallback_matches.deployment_id) as candidate_deployment_id,
        coalesce(exact_matches.finished_at, ancestry_matches.finished_at, fallback_matches.finished_at) as candidate_deployed_at
    from pull_requests
    left join repository_windows on pull_requests.repository_full_name = repository_windows.repository_full_name
    left join exact_matches
        on pull_requests.pull_request_id = exact_matches.pull_request_id and exact_matches.match_rank = 1
    left join ancestry_matches on pull_requests.pull_request_id = ancestry_matches.pull_request_id
    left join fallback_matches
        on pull_requests.pull_request_id = fallback_matches.pull_request_id and fallback_matches.match_rank = 1
),

final as (
    select
        pull_request_id,
        repository_full_name,
        merged_at,
        data_start_at,
        coalesce(link_method, 'not_deployed') as link_method,
        case when link_method in ('exact_sha', 'ancestry', 'first_after_merge') then candidate_deployment_id end as deployment_id,
        case when link_method in ('exact_sha', 'ancestry', 'first_after_merge') then candidate_deployed_at end as deployed_at
    from linked
)

select * from final
