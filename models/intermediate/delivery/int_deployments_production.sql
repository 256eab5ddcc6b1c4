{#-
    Production deployments, one row per deployment, from wherever each repository records
    them (README, Design decisions: deployment sources). One source per repository:
    its row in the drop-folder file deployment_rules.csv, else var('deployment_source_default'),
    and when that is `auto`: Deployments API data if the repository has any production
    deployment there, else Actions runs of a workflow matching the pattern, else its tags.

    - `deployments_api`: deployments with environment in var('production_environments');
      finished_at = created_at of the latest status, which decides the outcome: success,
      failed (failure/error) or unfinished (no terminal status yet).
    - `actions`: GitHub Actions runs of a workflow whose name or path matches the rule's
      workflow_pattern (default var('deployment_workflow_pattern')), on the rule's branch if
      it names one. Conclusion success -> success; failure, timed_out or startup_failure ->
      failed; cancelled, skipped, neutral, action_required and stale runs are not
      deployments; a run not completed yet is unfinished. finished_at = the completed run's
      last update (its completion time); the deployed commit is the run's head SHA.
    - `releases`: published releases (drafts never; pre-releases only when the rule says
      so) at published_at; the commit is the release tag's (git or GitHub tags), else
      target_commitish when it is a SHA.
    - `tags`: every tag (matching the rule's tag_pattern, if any), from the git source and
      the GitHub API (the git source's row wins for the same tag), at tagged_at (an
      annotated tag's own date, a lightweight tag's commit date), on any branch.
    Releases, tags and Actions runs are successful unless stated above.

    deployment_id is text: a Deployments API id as its number (incidents reference it), the
    others prefixed with their source (`actions_run:<id>`, `release:<id>`, `tag:<repo>@<name>`).
-#}
{%- set workflow_pattern = "coalesce(rules.workflow_pattern, '" ~ var('deployment_workflow_pattern') ~ "')" -%}

with

deployments as (
    select * from {{ ref('int_deployments_unioned') }}
),

statuses as (
    select * from {{ ref('int_deployment_statuses_unioned') }}
),

workflow_runs as (
    select * from {{ ref('int_workflow_runs_unioned') }}
),

releases as (
    select * from {{ ref('int_releases_unioned') }}
),

github_tags as (
    select * from {{ ref('int_tags_unioned') }}
),

git_tags as (
    select * from {{ ref('stg_git__tags') }}
),

rules as (
    select * from {{ ref('stg_files__deployment_rules') }}
),

repositories as (
    select * from {{ ref('int_repositories_owned') }}
),

---------- Deployments API
latest_status as (
    select
        deployment_id,
        status_state,
        created_at
    from (
        select
            *,
            row_number() over (
                partition by deployment_id order by created_at desc, deployment_status_id desc
            ) as status_rank
        from statuses
    ) as ranked
    where status_rank = 1
),

from_deployments_api as (
    select
        cast(deployments.deployment_id as {{ dbt.type_string() }}) as deployment_id,
        'deployments_api' as deployment_source,
        deployments.repository_full_name,
        deployments.deployed_sha,
        deployments.environment,
        deployments.created_at,
        latest_status.status_state as latest_status_state,
        case
            when latest_status.status_state in ('success', 'failure', 'error') then latest_status.created_at
        end as finished_at,
        case
            when latest_status.status_state = 'success' then 'success'
            when latest_status.status_state in ('failure', 'error') then 'failed'
            else 'unfinished'
        end as deployment_outcome
    from deployments
    left join latest_status on deployments.deployment_id = latest_status.deployment_id
    where deployments.environment in ({{ quoted_list(var('production_environments')) }})
),

---------- GitHub Actions runs
from_actions as (
    select
        'actions_run:' || cast(workflow_runs.workflow_run_id as {{ dbt.type_string() }}) as deployment_id,
        'actions' as deployment_source,
        workflow_runs.repository_full_name,
        lower(workflow_runs.head_sha) as deployed_sha,
        'production' as environment,
        workflow_runs.created_at,
        coalesce(workflow_runs.run_conclusion, workflow_runs.run_status) as latest_status_state,
        case when workflow_runs.run_status = 'completed' then workflow_runs.updated_at end as finished_at,
        case
            when workflow_runs.run_status != 'completed' then 'unfinished'
            when workflow_runs.run_conclusion = 'success' then 'success'
            else 'failed'
        end as deployment_outcome
    from workflow_runs
    left join rules on workflow_runs.repository_full_name = rules.repository_full_name
    where
        (
            {{ matches_regex('workflow_runs.workflow_name', workflow_pattern) }}
            or {{ matches_regex('workflow_runs.workflow_path', workflow_pattern) }}
        )
        and (rules.branch_name is null or workflow_runs.head_branch = rules.branch_name)
        and (
            workflow_runs.run_status != 'completed'
            or workflow_runs.run_conclusion in ('success', 'failure', 'timed_out', 'startup_failure')
        )
),

---------- tags (git source first, then the GitHub API)
all_tags as (
    select
        repository_full_name,
        tag_name,
        target_sha,
        tagged_at,
        1 as source_rank
    from git_tags
    union all
    select
        repository_full_name,
        tag_name,
        target_sha,
        tagged_at,
        2 as source_rank
    from github_tags
),

tags as (
    select
        repository_full_name,
        tag_name,
        target_sha,
        tagged_at
    from (
        select
            *,
            row_number() over (
                partition by repository_full_name, tag_name order by source_rank
            ) as tag_rank
        from all_tags
    ) as ranked
    where tag_rank = 1
),

from_tags as (
    select
        'tag:' || tags.repository_full_name || '@' || tags.tag_name as deployment_id,
        'tags' as deployment_source,
        tags.repository_full_name,
        tags.target_sha as deployed_sha,
        'production' as environment,
        tags.tagged_at as created_at,
        'success' as latest_status_state,
        tags.tagged_at as finished_at,
        'success' as deployment_outcome
    from tags
    left join rules on tags.repository_full_name = rules.repository_full_name
    where
        tags.tagged_at is not null
        and (rules.tag_pattern is null or {{ matches_regex('tags.tag_name', 'rules.tag_pattern') }})
),

---------- releases
from_releases as (
    select
        'release:' || cast(releases.release_id as {{ dbt.type_string() }}) as deployment_id,
        'releases' as deployment_source,
        releases.repository_full_name,
        coalesce(
            tags.target_sha,
            case
                when {{ matches_regex('releases.target_commitish', "'^[0-9a-f]{40}$'") }}
                    then lower(releases.target_commitish)
            end
        ) as deployed_sha,
        'production' as environment,
        releases.published_at as created_at,
        'success' as latest_status_state,
        releases.published_at as finished_at,
        'success' as deployment_outcome
    from releases
    left join tags
        on releases.repository_full_name = tags.repository_full_name
        and releases.tag_name = tags.tag_name
    left join rules on releases.repository_full_name = rules.repository_full_name
    where
        not releases.is_draft
        and releases.published_at is not null
        and (not releases.is_prerelease or coalesce(rules.include_prereleases, false))
        and (rules.tag_pattern is null or {{ matches_regex('releases.tag_name', 'rules.tag_pattern') }})
),

---------- one source per repository
candidates as (
    select * from from_deployments_api
    union all
    select * from from_actions
    union all
    select * from from_releases
    union all
    select * from from_tags
),

available as (
    select
        repository_full_name,
        max(case when deployment_source = 'deployments_api' then 1 else 0 end) = 1 as has_deployments_api,
        max(case when deployment_source = 'actions' then 1 else 0 end) = 1 as has_actions
    from candidates
    group by repository_full_name
),

chosen as (
    select
        available.repository_full_name,
        coalesce(
            case when rules.deployment_source != 'auto' then rules.deployment_source end,
            {% if var('deployment_source_default') != 'auto' -%}
                '{{ var("deployment_source_default") }}',
            {%- endif %}
            case
                when available.has_deployments_api then 'deployments_api'
                when available.has_actions then 'actions'
                else 'tags'
            end
        ) as deployment_source
    from available
    left join rules on available.repository_full_name = rules.repository_full_name
),

final as (
    select
        candidates.deployment_id,
        candidates.deployment_source,
        candidates.repository_full_name,
        repositories.owner_team_name,
        candidates.deployed_sha,
        candidates.environment,
        candidates.created_at,
        candidates.latest_status_state,
        candidates.finished_at,
        candidates.deployment_outcome,
        candidates.deployment_outcome = 'success' as is_successful,
        candidates.deployment_outcome = 'failed' as has_failed_status
    from candidates
    inner join chosen
        on candidates.repository_full_name = chosen.repository_full_name
        and candidates.deployment_source = chosen.deployment_source
    left join repositories on candidates.repository_full_name = repositories.repository_full_name
)

select * from final
