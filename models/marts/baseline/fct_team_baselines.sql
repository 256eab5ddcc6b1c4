{#-
    The Day-Zero baseline, one row per team (docs/metrics.md, Baseline), over the window
    [R - var('baseline_window_days'), R) where R is the team's reference date.
    Every input is cut at R: PRs merged, deployments finished, incidents started,
    transactions and survey responses dated before R, and a PR's cycle time only when
    its deployment also finished before R. Adding rows dated on or after R therefore
    never changes a baseline (tests/dbt/baseline_is_frozen.sql).
    is_verifiable = false when the window has fewer than var('min_baseline_weeks') weeks
    with merged PRs or fewer than var('min_baseline_prs') merged PRs.
-#}
with

teams as (
    select * from {{ ref('int_teams') }}
),

pull_requests as (
    select * from {{ ref('int_pull_requests_with_cycle_stages') }}
),

deployments as (
    select * from {{ ref('int_deployments_enriched') }}
),

incidents as (
    select * from {{ ref('int_incidents_joined_to_deployments') }}
),

churn as (
    select * from {{ ref('int_pull_request_files_with_churn') }}
),

headcount_weekly as (
    select * from {{ ref('int_team_headcount_weekly') }}
),

ops as (
    select * from {{ ref('int_ops_transactions_daily') }}
),

surveys as (
    select * from {{ ref('int_survey_responses') }}
),

windows as (
    select
        team_name,
        reference_date,
        baseline_start_date,
        cast(baseline_start_date as {{ dbt.type_timestamp() }}) as window_start_at,
        cast(reference_date as {{ dbt.type_timestamp() }}) as window_end_at
    from teams
    where reference_date is not null
),

flow as (
    select
        windows.team_name,
        count(*) as merged_pull_requests,
        count(distinct {{ week_start('pull_requests.merged_at') }}) as weeks_with_merged_pull_requests,
        {{ median(
            'case when pull_requests.deployed_at < windows.window_end_at then pull_requests.cycle_time_hours end'
        ) }} as cycle_time_median_hours
    from windows
    inner join pull_requests
        on pull_requests.people_flow_team_name = windows.team_name
        and pull_requests.merged_at >= windows.window_start_at
        and pull_requests.merged_at < windows.window_end_at
    group by windows.team_name
),

engineer_weeks as (
    -- ISO weeks that start inside the window
    select
        windows.team_name,
        sum(headcount_weekly.rostered_members) as engineer_weeks,
        max(headcount_weekly.rostered_members) as rostered_members
    from windows
    inner join headcount_weekly
        on headcount_weekly.team_name = windows.team_name
        and headcount_weekly.week_start >= windows.baseline_start_date
        and headcount_weekly.week_start < windows.reference_date
    group by windows.team_name
),

lead_time as (
    select
        windows.team_name,
        count(*) as deployed_pull_requests,
        {{ median('pull_requests.lead_time_hours') }} as lead_time_median_hours
    from windows
    inner join pull_requests
        on pull_requests.deploying_team_name = windows.team_name
        and pull_requests.deployed_at >= windows.window_start_at
        and pull_requests.deployed_at < windows.window_end_at
    group by windows.team_name
),

incident_failures as (
    select distinct incidents.deployment_id
    from incidents
    inner join windows on incidents.team_name = windows.team_name
    where incidents.started_at < windows.window_end_at
),

delivery as (
    select
        windows.team_name,
        count(*) as production_deployments,
        sum(case when deployments.is_successful then 1 else 0 end) as successful_deployments,
        count(distinct case when deployments.is_successful then cast(deployments.finished_at as date) end) as deploy_days,
        sum(
            case when deployments.has_failed_status or incident_failures.deployment_id is not null then 1 else 0 end
        ) as failed_deployments,
        sum(case when deployments.is_successful and deployments.is_rework then 1 else 0 end) as rework_deployments
    from windows
    inner join deployments
        on deployments.owner_team_name = windows.team_name
        and deployments.finished_at >= windows.window_start_at
        and deployments.finished_at < windows.window_end_at
    left join incident_failures on deployments.deployment_id = incident_failures.deployment_id
    group by windows.team_name
),

code_churn as (
    select
        windows.team_name,
        sum(churn.lines_changed) as changed_lines,
        sum(case when churn.is_churn then churn.lines_changed else 0 end) as churned_lines
    from windows
    inner join churn
        on churn.owner_team_name = windows.team_name
        and churn.merged_at >= windows.window_start_at
        and churn.merged_at < windows.window_end_at
    group by windows.team_name
),

operations as (
    select
        windows.team_name,
        sum(ops.transactions) as transactions,
        sum(ops.failed_transactions) as failed_transactions,
        sum(ops.operating_cost_usd) as operating_cost_usd
    from windows
    inner join ops
        on ops.team_name = windows.team_name
        and ops.transaction_date >= windows.baseline_start_date
        and ops.transaction_date < windows.reference_date
    group by windows.team_name
),

perception as (
    select
        windows.team_name,
        count(*) as survey_responses,
        avg(surveys.friction_score) as friction_score_mean,
        avg(surveys.satisfaction_score) as satisfaction_score_mean,
        avg(surveys.ai_trust_score) as ai_trust_score_mean
    from windows
    inner join surveys
        on surveys.team_name = windows.team_name
        and surveys.response_date >= windows.baseline_start_date
        and surveys.response_date < windows.reference_date
    group by windows.team_name
),

final as (
    select
        windows.team_name,
        windows.baseline_start_date,
        windows.reference_date as baseline_end_date,
        -- row counts
        coalesce(flow.merged_pull_requests, 0) as merged_pull_requests,
        coalesce(flow.weeks_with_merged_pull_requests, 0) as weeks_with_data,
        coalesce(engineer_weeks.engineer_weeks, 0) as engineer_weeks,
        coalesce(delivery.production_deployments, 0) as production_deployments,
        coalesce(lead_time.deployed_pull_requests, 0) as deployed_pull_requests,
        coalesce(perception.survey_responses, 0) as survey_responses,
        coalesce(engineer_weeks.rostered_members, 0) as rostered_members,
        {{ is_small_cell('engineer_weeks.rostered_members') }} as is_suppressed,
        -- engineering
        {{ safe_divide('flow.merged_pull_requests', 'engineer_weeks.engineer_weeks') }} as pr_throughput_per_engineer_week,
        flow.cycle_time_median_hours,
        lead_time.lead_time_median_hours,
        {{ safe_divide('delivery.successful_deployments * 7.0', var('baseline_window_days')) }} as deployments_per_week,
        {{ safe_divide('delivery.deploy_days * 7.0', var('baseline_window_days')) }} as deploy_days_per_week,
        {{ safe_divide('delivery.failed_deployments', 'delivery.production_deployments') }} as change_failure_rate,
        {{ safe_divide('delivery.rework_deployments', 'delivery.successful_deployments') }} as rework_rate,
        {{ safe_divide('code_churn.churned_lines', 'code_churn.changed_lines') }} as code_churn_rate,
        -- operational
        cast({{ safe_divide('operations.operating_cost_usd', 'operations.transactions') }} as decimal(18, 6)) as cost_per_transaction_usd,
        {{ safe_divide('operations.failed_transactions', 'operations.transactions') }} as error_rate,
        -- perceptual
        perception.friction_score_mean,
        perception.satisfaction_score_mean,
        perception.ai_trust_score_mean,
        coalesce(flow.weeks_with_merged_pull_requests, 0) >= {{ var('min_baseline_weeks') }}
        and coalesce(flow.merged_pull_requests, 0) >= {{ var('min_baseline_prs') }} as is_verifiable
    from windows
    left join flow on windows.team_name = flow.team_name
    left join engineer_weeks on windows.team_name = engineer_weeks.team_name
    left join lead_time on windows.team_name = lead_time.team_name
    left join delivery on windows.team_name = delivery.team_name
    left join code_churn on windows.team_name = code_churn.team_name
    left join operations on windows.team_name = operations.team_name
    left join perception on windows.team_name = perception.team_name
),

typed as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(baseline_start_date as date) as baseline_start_date,
        cast(baseline_end_date as date) as baseline_end_date,
        cast({{ suppress_small_cell('merged_pull_requests', 'rostered_members') }} as bigint) as merged_pull_requests,
        {%- for column in ['weeks_with_data', 'engineer_weeks', 'production_deployments', 'deployed_pull_requests',
                          'survey_responses'] %}
            cast({{ column }} as bigint) as {{ column }},
        {%- endfor %}
        cast(rostered_members as bigint) as rostered_members,
        is_suppressed,
        {%- for column in ['pr_throughput_per_engineer_week', 'cycle_time_median_hours', 'lead_time_median_hours',
                          'deployments_per_week', 'deploy_days_per_week', 'change_failure_rate', 'rework_rate',
                          'code_churn_rate'] %}
            {%- if column in ['pr_throughput_per_engineer_week', 'cycle_time_median_hours'] %}
                cast({{ suppress_small_cell(column, 'rostered_members') }} as {{ type_double() }}) as {{ column }},
            {%- else %}
                cast({{ column }} as {{ type_double() }}) as {{ column }},
            {%- endif %}
        {%- endfor %}
        cost_per_transaction_usd,
        cast(error_rate as {{ type_double() }}) as error_rate,
        {%- for column in ['friction_score_mean', 'satisfaction_score_mean', 'ai_trust_score_mean'] %}
            cast({{ suppress_small_cell(column, 'survey_responses') }} as {{ type_double() }}) as {{ column }},
        {%- endfor %}
        is_verifiable
    from final
)

select * from typed
