-- Quality guard: change failure and rework for deployments that carried AI-assisted PRs
-- vs those that did not, per team. A deployment with any AI-assisted PR counts as AI.
with

lineage as (
    select * from {{ ref('fct_change_lineage') }}
),

deployments as (
    select
        owner_team_name as team_name,
        deployment_id,
        max(case when is_ai_assisted then 1 else 0 end) = 1 as carries_ai_change,
        max(case when deployment_is_failed then 1 else 0 end) = 1 as is_failed
    from lineage
    where is_deployed
    group by owner_team_name, deployment_id
),

final as (
    select
        team_name,
        carries_ai_change,
        count(*) as deployments,
        sum(case when is_failed then 1 else 0 end) as failed_deployments,
        sum(case when is_failed then 1 else 0 end) * 1.0 / count(*) as change_failure_rate
    from deployments
    group by team_name, carries_ai_change
)

select * from final
order by team_name, carries_ai_change
