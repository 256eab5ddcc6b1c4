{#-
    One row per pull request with its deployment link and the cycle-time stages
    (docs/metrics.md, Layer 2), in hours:
      coding  = first commit authored -> PR opened
      pickup  = PR opened -> first review or review comment by someone other than the author
      review  = first review -> merged
      deploy  = merged -> deployed
    A stage with a negative duration (e.g. the first commit authored after opening) is
    null, never negative. cycle_time_hours = first commit (or opening, when no commit is
    loaded) -> deployed. lead_time_hours = first commit authored -> deployment finished
    (DORA lead time for changes, PR-based).
    A view: two key joins and a few subtractions, while a table meant writing every PR's
    40-odd columns again on each run (2.4 s of the daily build at the full bench size);
    each consumer reads only the columns it needs.
-#}
{{ config(materialized='view') }}

with

pull_requests as (
    select * from {{ ref('int_pull_requests_enriched') }}
),

links as (
    select * from {{ ref('int_pull_requests_joined_to_deployments') }}
),

deployments as (
    select * from {{ ref('int_deployments_production') }}
),

final as (
    select
        pull_requests.*,
        links.link_method,
        links.deployment_id,
        links.deployed_at,
        deployments.owner_team_name as deploying_team_name,
        {{ non_negative_hours('pull_requests.first_commit_authored_at', 'pull_requests.created_at') }} as coding_hours,
        {{ non_negative_hours('pull_requests.created_at', 'pull_requests.first_review_at') }} as pickup_hours,
        {{ non_negative_hours('pull_requests.first_review_at', 'pull_requests.merged_at') }} as review_hours,
        {{ non_negative_hours('pull_requests.merged_at', 'links.deployed_at') }} as deploy_hours,
        {{ non_negative_hours(
            'coalesce(least(pull_requests.first_commit_authored_at, pull_requests.created_at), pull_requests.created_at)',
            'links.deployed_at'
        ) }} as cycle_time_hours,
        {{ non_negative_hours('pull_requests.first_commit_authored_at', 'links.deployed_at') }} as lead_time_hours
    from pull_requests
    left join links on pull_requests.pull_request_id = links.pull_request_id
    left join deployments on links.deployment_id = deployments.deployment_id
)

select * from final
