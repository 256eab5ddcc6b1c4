{#-
    The Day-Zero baseline, one row per team (docs/metrics.md, Baseline), over the window
    [R - var('baseline_window_days'), R) where R is the team's reference date.
    The engineering figures are the delivery metrics' one definition
    (macros/metrics/team_delivery_metrics.sql) at the 'baseline' grain, frozen at R:
    PRs merged, deployments finished and incidents started before R count, a deployment is
    failed by an incident only when the incident started before R (incident_rule), and a
    PR's cycle time counts only when its deployment also finished before R
    (cycle_time_rule). Transactions and survey responses dated before R count. Adding rows
    dated on or after R therefore never changes a baseline (tests/dbt/baseline_is_frozen.sql).
    is_verifiable = false when the window has fewer than var('min_baseline_weeks') weeks
    with merged PRs or fewer than var('min_baseline_prs') merged PRs.
    The failed, successful and rework deployment counts behind change_failure_rate and
    rework_rate are published beside them, so a consumer that needs a rate's sampling
    variance (fct_net_gain_waterfall's intervals) reads the same frozen rows as the rate.
-#}
with

delivery as (
    {{ team_delivery_metrics(
        'baseline',
        incident_rule='started_before_period_end',
        cycle_time_rule='deployed_before_period_end',
        suppress=false
    ) | indent(4) }}
),

teams as (
    select * from {{ ref('int_teams') }}
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
        baseline_start_date
    from teams
    where reference_date is not null
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
    group by 1
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
    group by 1
),

final as (
    select
        windows.team_name,
        windows.baseline_start_date,
        windows.reference_date as baseline_end_date,
        -- row counts
        coalesce(delivery.merged_pull_requests, 0) as merged_pull_requests,
        coalesce(delivery.weeks_with_merged_pull_requests, 0) as weeks_with_data,
        coalesce(delivery.engineer_weeks, 0) as engineer_weeks,
        coalesce(delivery.production_deployments, 0) as production_deployments,
        coalesce(delivery.failed_deployments, 0) as failed_deployments,
        coalesce(delivery.successful_deployments, 0) as successful_deployments,
        coalesce(delivery.rework_deployments, 0) as rework_deployments,
        coalesce(delivery.deployed_pull_requests, 0) as deployed_pull_requests,
        coalesce(perception.survey_responses, 0) as survey_responses,
        coalesce(delivery.rostered_members, 0) as rostered_members,
        {{ is_small_cell('delivery.rostered_members') }} as is_suppressed,
        -- engineering
        delivery.pr_throughput_per_engineer_week,
        delivery.cycle_time_median_hours,
        delivery.lead_time_median_hours,
        -- a window without any production deployment has no deployment baseline (null, not 0:
        -- the team's deployment source may start later)
        case
            when delivery.production_deployments > 0
                then {{ safe_divide('delivery.successful_deployments * 7.0', var('baseline_window_days')) }}
        end as deployments_per_week,
        case when delivery.production_deployments > 0 then delivery.deploy_days_per_week end as deploy_days_per_week,
        delivery.change_failure_rate,
        delivery.rework_rate,
        delivery.code_churn_rate,
        -- operational
        cast({{ safe_divide('operations.operating_cost_usd', 'operations.transactions') }} as decimal(18, 6)) as cost_per_transaction_usd,
        {{ safe_divide('operations.failed_transactions', 'operations.transactions') }} as error_rate,
        -- perceptual
        perception.friction_score_mean,
        perception.satisfaction_score_mean,
        perception.ai_trust_score_mean,
        coalesce(delivery.weeks_with_merged_pull_requests, 0) >= {{ var('min_baseline_weeks') }}
        and coalesce(delivery.merged_pull_requests, 0) >= {{ var('min_baseline_prs') }} as is_verifiable
    from windows
    left join delivery on windows.team_name = delivery.team_name
    left join operations on windows.team_name = operations.team_name
    left join perception on windows.team_name = perception.team_name
),

typed as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(baseline_start_date as date) as baseline_start_date,
        cast(baseline_end_date as date) as baseline_end_date,
        cast({{ suppress_small_cell('merged_pull_requests', 'rostered_members') }} as bigint) as merged_pull_requests,
        {%- for column in ['weeks_with_data', 'engineer_weeks', 'production_deployments', 'failed_deployments',
                          'successful_deployments', 'rework_deployments', 'deployed_pull_requests', 'survey_responses'] %}
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
