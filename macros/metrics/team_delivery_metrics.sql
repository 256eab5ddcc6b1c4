{#-
    The one definition of the team-throughput metrics (docs/metrics.md, Layer 2), for a grain
    of 'week' (ISO week, Monday) or 'month', per team (by_team=true) or for the whole
    organisation (by_team=false). fct_delivery_team_weekly, fct_delivery_team_monthly and
    fct_delivery_org_weekly are thin calls of this macro, so the marts cannot drift apart.

    Attribution (docs/metrics.md, Team attribution):
    - deployments, lead time, change failure, recovery, rework and churn follow the team
      owning the repository; incidents their service's team;
    - PR throughput, cycle-time stages, review queue, PR size and AI share follow the PR
      author's team at creation (AI agents' PRs: the owner team; other bots: excluded).
    Deployments count in the period they finished, PRs in the period they merged,
    time to restore in the period the incident was resolved.
-#}
{% macro team_delivery_metrics(grain, by_team=true) %}
{%- set period = week_start if grain == 'week' else month_start -%}
{%- set period_days = 7 if grain == 'week' else none -%}
{%- set team_col = 'team_name' if by_team else "'all'" -%}
with

teams as (
    select * from {{ ref('int_teams') }}
),

observed_days as (
    select * from {{ ref('int_observed_days') }}
),

headcount_weekly as (
    select * from {{ ref('int_team_headcount_weekly') }}
),

deployments as (
    select * from {{ ref('int_deployments_enriched') }}
),

pull_requests as (
    select * from {{ ref('int_pull_requests_with_cycle_stages') }}
),

deployed_commits as (
    select * from {{ ref('int_commits_deployed') }}
),

incidents as (
    select * from {{ ref('int_incidents_joined_to_deployments') }}
),

churn as (
    select * from {{ ref('int_pull_request_files_with_churn') }}
),

periods as (
    select distinct
        {{ period('observed_days.date_day') }} as period_start
    from observed_days
),

periods_with_end as (
    select
        period_start,
        cast({{ dbt.dateadd(grain, 1, 'period_start') }} as {{ dbt.type_timestamp() }}) as period_end_at
    from periods
),

{% if by_team %}
spine as (
    select
        teams.team_name,
        teams.cohort,
        teams.reference_date,
        periods_with_end.period_start,
        periods_with_end.period_end_at
    from teams
    cross join periods_with_end
),
{% else %}
spine as (
    select
        'all' as team_name,
        'all' as cohort,
        cast(null as date) as reference_date,
        periods_with_end.period_start,
        periods_with_end.period_end_at
    from periods_with_end
),
{% endif %}

headcount as (
    -- people in the period: the largest weekly roster within it
    select
        {{ team_col }} as team_name,
        {{ period('week_start') }} as period_start,
        max(rostered_members) as rostered_members,
        sum(rostered_members) as engineer_weeks
    from (
        select
            {% if by_team %}team_name{% else %}'all' as team_name{% endif %},
            week_start,
            sum(rostered_members) as rostered_members
        from headcount_weekly
        group by 1, 2
    ) as weekly
    group by 1, 2
),

deployment_metrics as (
    select
        {{ team_col if not by_team else 'owner_team_name' }} as team_name,
        {{ period('finished_at') }} as period_start,
        count(*) as production_deployments,
        sum(case when is_successful then 1 else 0 end) as successful_deployments,
        count(distinct case when is_successful then cast(finished_at as date) end) as deploy_days,
        sum(case when is_failed then 1 else 0 end) as failed_deployments,
        sum(case when is_successful and is_rework then 1 else 0 end) as rework_deployments,
        {{ median('recovery_hours') }} as failed_deployment_recovery_median_hours
    from deployments
    group by 1, 2
),

lead_time_metrics as (
    select
        {{ team_col if not by_team else 'deploying_team_name' }} as team_name,
        {{ period('deployed_at') }} as period_start,
        count(*) as deployed_pull_requests,
        {{ median('lead_time_hours') }} as lead_time_median_hours,
        {{ percentile('lead_time_hours', 0.9) }} as lead_time_p90_hours
    from pull_requests
    where deployment_id is not null
    group by 1, 2
),

commit_lead_time_metrics as (
    select
        {{ team_col if not by_team else 'deploying_team_name' }} as team_name,
        {{ period('deployed_at') }} as period_start,
        {{ median('commit_lead_time_hours') }} as commit_lead_time_median_hours
    from deployed_commits
    group by 1, 2
),

restore_metrics as (
    select
        {{ team_col }} as team_name,
        {{ period('resolved_at') }} as period_start,
        count(*) as incidents_resolved,
        {{ median('time_to_restore_hours') }} as time_to_restore_median_hours
    from incidents
    where resolved_at is not null
    group by 1, 2
),

churn_metrics as (
    select
        {{ team_col if not by_team else 'owner_team_name' }} as team_name,
        {{ period('merged_at') }} as period_start,
        sum(lines_changed) as changed_lines,
        sum(case when is_churn then lines_changed else 0 end) as churned_lines
    from churn
    group by 1, 2
),

flow_metrics as (
    select
        {{ team_col if not by_team else 'people_flow_team_name' }} as team_name,
        {{ period('merged_at') }} as period_start,
        count(*) as merged_pull_requests,
        count(distinct author_id) as pull_request_authors,
        count(distinct case when is_ai_assisted then author_id end) as ai_assisted_pull_request_authors,
        count(distinct case when not is_ai_assisted then author_id end) as not_ai_assisted_pull_request_authors,
        sum(case when is_ai_assisted then 1 else 0 end) as ai_assisted_merged_pull_requests,
        sum(case when not was_reviewed_before_merge then 1 else 0 end) as merged_without_review,
        {{ median('cycle_time_hours') }} as cycle_time_median_hours,
        {{ median('coding_hours') }} as coding_median_hours,
        {{ median('pickup_hours') }} as pickup_median_hours,
        {{ median('review_hours') }} as review_median_hours,
        {{ median('deploy_hours') }} as deploy_median_hours,
        {{ median('case when is_ai_assisted then pr_size_lines end') }} as median_pr_size_ai_assisted,
        {{ median('case when not is_ai_assisted then pr_size_lines end') }} as median_pr_size_not_ai_assisted
    from pull_requests
    where is_merged and people_flow_team_name is not null
    group by 1, 2
),

review_queue_candidates as (
    -- PRs waiting for a first review at some period end: in the queue from creation until
    -- the first review or closing, and still there at the end of their creation period
    -- (a cheap filter that keeps the range join below to the few PRs that wait that long)
    select
        people_flow_team_name,
        pull_request_id,
        author_id,
        created_at,
        pr_size_lines,
        queue_until_at
    from (
        select
            people_flow_team_name,
            pull_request_id,
            author_id,
            created_at,
            pr_size_lines,
            least(
                coalesce(closed_at, merged_at, cast('9999-12-31' as {{ dbt.type_timestamp() }})),
                coalesce(first_review_at, cast('9999-12-31' as {{ dbt.type_timestamp() }}))
            ) as queue_until_at
        from pull_requests
        where not is_draft and people_flow_team_name is not null
    ) as waiting
    where queue_until_at >= cast({{ dbt.dateadd(grain, 1, period('created_at')) }} as {{ dbt.type_timestamp() }})
),

review_queue as (
    select
        spine.team_name,
        spine.period_start,
        count(review_queue_candidates.pull_request_id) as review_queue_pull_requests,
        count(distinct review_queue_candidates.author_id) as review_queue_authors,
        {{ median(hours_between('review_queue_candidates.created_at', 'spine.period_end_at')) }} as review_queue_median_age_hours,
        sum(review_queue_candidates.pr_size_lines) as review_queue_lines
    from spine
    inner join review_queue_candidates
        on {% if by_team %}review_queue_candidates.people_flow_team_name = spine.team_name{% else %}1 = 1{% endif %}
        and review_queue_candidates.created_at < spine.period_end_at
        and review_queue_candidates.queue_until_at >= spine.period_end_at
    group by spine.team_name, spine.period_start
),

joined as (
    select
        spine.team_name,
        spine.period_start,
        spine.cohort,
        {{ phase_of('spine.period_start', 'spine.reference_date') }} as phase,
        coalesce(headcount.rostered_members, 0) as rostered_members,
        coalesce(headcount.engineer_weeks, 0) as engineer_weeks,
        coalesce(flow_metrics.pull_request_authors, 0) as pull_request_authors,
        coalesce(flow_metrics.ai_assisted_pull_request_authors, 0) as ai_assisted_pull_request_authors,
        coalesce(flow_metrics.not_ai_assisted_pull_request_authors, 0) as not_ai_assisted_pull_request_authors,
        coalesce(review_queue.review_queue_authors, 0) as review_queue_authors,
        {{ is_small_cell('flow_metrics.pull_request_authors') }} as is_suppressed,
        coalesce(deployment_metrics.production_deployments, 0) as production_deployments,
        coalesce(deployment_metrics.successful_deployments, 0) as successful_deployments,
        coalesce(deployment_metrics.deploy_days, 0) as deploy_days,
        coalesce(deployment_metrics.failed_deployments, 0) as failed_deployments,
        coalesce(deployment_metrics.rework_deployments, 0) as rework_deployments,
        deployment_metrics.failed_deployment_recovery_median_hours,
        coalesce(lead_time_metrics.deployed_pull_requests, 0) as deployed_pull_requests,
        lead_time_metrics.lead_time_median_hours,
        lead_time_metrics.lead_time_p90_hours,
        commit_lead_time_metrics.commit_lead_time_median_hours,
        coalesce(restore_metrics.incidents_resolved, 0) as incidents_resolved,
        restore_metrics.time_to_restore_median_hours,
        coalesce(churn_metrics.changed_lines, 0) as changed_lines,
        coalesce(churn_metrics.churned_lines, 0) as churned_lines,
        coalesce(flow_metrics.merged_pull_requests, 0) as merged_pull_requests,
        coalesce(flow_metrics.ai_assisted_merged_pull_requests, 0) as ai_assisted_merged_pull_requests,
        coalesce(flow_metrics.merged_without_review, 0) as merged_without_review,
        flow_metrics.cycle_time_median_hours,
        flow_metrics.coding_median_hours,
        flow_metrics.pickup_median_hours,
        flow_metrics.review_median_hours,
        flow_metrics.deploy_median_hours,
        flow_metrics.median_pr_size_ai_assisted,
        flow_metrics.median_pr_size_not_ai_assisted,
        coalesce(review_queue.review_queue_pull_requests, 0) as review_queue_pull_requests,
        review_queue.review_queue_median_age_hours,
        coalesce(review_queue.review_queue_lines, 0) as review_queue_lines
    from spine
    left join headcount
        on spine.team_name = headcount.team_name and spine.period_start = headcount.period_start
    left join deployment_metrics
        on spine.team_name = deployment_metrics.team_name and spine.period_start = deployment_metrics.period_start
    left join lead_time_metrics
        on spine.team_name = lead_time_metrics.team_name and spine.period_start = lead_time_metrics.period_start
    left join commit_lead_time_metrics
        on spine.team_name = commit_lead_time_metrics.team_name and spine.period_start = commit_lead_time_metrics.period_start
    left join restore_metrics
        on spine.team_name = restore_metrics.team_name and spine.period_start = restore_metrics.period_start
    left join churn_metrics
        on spine.team_name = churn_metrics.team_name and spine.period_start = churn_metrics.period_start
    left join flow_metrics
        on spine.team_name = flow_metrics.team_name and spine.period_start = flow_metrics.period_start
    left join review_queue
        on spine.team_name = review_queue.team_name and spine.period_start = review_queue.period_start
),

rated as (
    select
        *,
        {{ safe_divide('failed_deployments', 'production_deployments') }} as change_failure_rate,
        {{ safe_divide('rework_deployments', 'successful_deployments') }} as rework_rate,
        {{ safe_divide('churned_lines', 'changed_lines') }} as code_churn_rate,
        {{ safe_divide('deploy_days * 7.0', dbt.datediff('period_start', dbt.dateadd(grain, 1, 'period_start'), 'day')) }} as deploy_days_per_week,
        {{ safe_divide('merged_pull_requests', 'engineer_weeks') }} as pr_throughput_per_engineer_week,
        {{ safe_divide('merged_without_review', 'merged_pull_requests') }} as share_merged_without_review,
        {{ safe_divide('ai_assisted_merged_pull_requests', 'merged_pull_requests') }} as ai_assisted_pr_share
    from joined
),

tiers as (
    select * from {{ ref('dora_performance_tiers') }}
    where report_year = {{ var('dora_report_year') }}
),

{%- set restore_metric = 'failed_deployment_recovery_median_hours' if var('dora_report_year') >= 2023 else 'time_to_restore_median_hours' %}
{%- set tiered = [
    ('deployment_frequency', 'deploy_days_per_week'),
    ('lead_time_for_changes', 'lead_time_median_hours'),
    ('change_failure_rate', 'change_failure_rate'),
    ('time_to_restore', restore_metric),
] %}

with_tiers as (
    select
        rated.*
        {%- for metric, column in tiered %},
        tier_{{ loop.index }}.tier as {{ metric }}_tier
        {%- endfor %}
    from rated
    {%- for metric, column in tiered %}
    left join tiers as tier_{{ loop.index }}
        on tier_{{ loop.index }}.metric = '{{ metric }}'
        and rated.{{ column }} >= tier_{{ loop.index }}.lower_bound
        and (tier_{{ loop.index }}.upper_bound is null or rated.{{ column }} < tier_{{ loop.index }}.upper_bound)
    {%- endfor %}
),

{%- set delivery_columns = [
    ('production_deployments', 'bigint'), ('successful_deployments', 'bigint'), ('deploy_days', 'bigint'),
    ('deploy_days_per_week', type_double()), ('failed_deployments', 'bigint'), ('change_failure_rate', type_double()),
    ('failed_deployment_recovery_median_hours', type_double()), ('deployed_pull_requests', 'bigint'),
    ('lead_time_median_hours', type_double()), ('lead_time_p90_hours', type_double()),
    ('commit_lead_time_median_hours', type_double()), ('incidents_resolved', 'bigint'),
    ('time_to_restore_median_hours', type_double()), ('rework_deployments', 'bigint'), ('rework_rate', type_double()),
    ('changed_lines', 'bigint'), ('churned_lines', 'bigint'), ('code_churn_rate', type_double()),
    ('deployment_frequency_tier', dbt.type_string()), ('lead_time_for_changes_tier', dbt.type_string()),
    ('change_failure_rate_tier', dbt.type_string()), ('time_to_restore_tier', dbt.type_string()),
] %}
{%- set people_columns = [
    ('merged_pull_requests', 'bigint', 'pull_request_authors'),
    ('pr_throughput_per_engineer_week', type_double(), 'pull_request_authors'),
    ('ai_assisted_merged_pull_requests', 'bigint', 'pull_request_authors'),
    ('ai_assisted_pr_share', type_double(), 'pull_request_authors'),
    ('merged_without_review', 'bigint', 'pull_request_authors'),
    ('share_merged_without_review', type_double(), 'pull_request_authors'),
    ('cycle_time_median_hours', type_double(), 'pull_request_authors'),
    ('coding_median_hours', type_double(), 'pull_request_authors'),
    ('pickup_median_hours', type_double(), 'pull_request_authors'),
    ('review_median_hours', type_double(), 'pull_request_authors'),
    ('deploy_median_hours', type_double(), 'pull_request_authors'),
    ('median_pr_size_ai_assisted', type_double(), 'ai_assisted_pull_request_authors'),
    ('median_pr_size_not_ai_assisted', type_double(), 'not_ai_assisted_pull_request_authors'),
    ('review_queue_pull_requests', 'bigint', 'review_queue_authors'),
    ('review_queue_median_age_hours', type_double(), 'review_queue_authors'),
    ('review_queue_lines', 'bigint', 'review_queue_authors'),
] %}

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(period_start as date) as {{ grain }}_start,
        cast(cohort as {{ dbt.type_string() }}) as cohort,
        cast(phase as {{ dbt.type_string() }}) as phase,
        cast(rostered_members as bigint) as rostered_members,
        cast(engineer_weeks as bigint) as engineer_weeks,
        is_suppressed,
        {%- for column in ['pull_request_authors', 'ai_assisted_pull_request_authors', 'not_ai_assisted_pull_request_authors', 'review_queue_authors'] %}
        cast({{ column }} as bigint) as {{ column }},
        {%- endfor %}
        -- delivery (owner team): not person-derived, never suppressed
        {%- for column, data_type in delivery_columns %}
        cast({{ column }} as {{ data_type }}) as {{ column }},
        {%- endfor %}
        -- people flow (author team): person-derived, null unless var('min_group_size')
        -- distinct authors stand behind the cell (suppress_small_cell)
        {%- for column, data_type, people in people_columns %}
        cast({{ suppress_small_cell(column, people) }} as {{ data_type }}) as {{ column }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from with_tiers
)

select * from final
{% endmacro %}
