{#-
    What each team can see, per month and metric family, and why not: one row per team,
    month and metric family with is_available and, when not, the first reason that applies
    (in this order): the source is not loaded; the control cohort has no AI figures; the
    team's data has none of what the family needs (no deployments, incidents, pull
    requests, work items, seats or AI telemetry, costs recorded); the cell is hidden by
    the privacy rule (below minimum group size); or the month has nothing (before rollout,
    no deployments this month, ...). `ai-roi status` prints its latest month.

    "Source not loaded" is decided at build time from which raw tables exist (the same
    check as optional_source). A zero is available: a team whose repositories do deploy
    has a deployment frequency of 0 in a month without deployments.
-#}

{#- the sources of the hours-saved estimate the net gain uses (var('hours_saved_method')) -#}
{%- set method = var('hours_saved_method') -%}
{%- if method in ('measured', 'measured_control_adjusted') -%}
    {%- set method_tables = [('jira', 'issues')] -%}
    {%- set method_sources = 'jira' -%}
{%- elif method == 'telemetry_modelled' -%}
    {%- set method_tables = [('copilot', 'user_daily_reports'), ('copilot', 'organization_daily_reports'), ('copilot', 'legacy_metrics'), ('ai_usage_files', 'ai_usage_daily')] -%}
    {%- set method_sources = 'copilot, ai_usage_files' -%}
{%- else -%}
    {%- set method_tables = [('files', 'surveys')] -%}
    {%- set method_sources = 'files' -%}
{%- endif %}

{%- set loaded = {
    'deployments': any_source_loaded([
        ('github', 'deployments'), ('github', 'workflow_runs'), ('github', 'releases'),
        ('github', 'tags'), ('git', 'tags')]),
    'pull_requests': any_source_loaded([('github', 'pull_requests')]),
    'incidents': any_source_loaded([('incidents', 'incidents'), ('github', 'incident_issues'), ('jira', 'issues')]),
    'work_items': any_source_loaded([('jira', 'issues')]),
    'ai_tools': any_source_loaded([
        ('copilot', 'seats'), ('copilot', 'user_daily_reports'), ('copilot', 'organization_daily_reports'),
        ('copilot', 'legacy_metrics'), ('ai_usage_files', 'ai_usage_daily')]),
    'costs': any_source_loaded([('files', 'ai_costs')]),
    'operations': any_source_loaded([('files', 'ops_transactions')]),
    'method': any_source_loaded(method_tables),
} -%}

{#- family, the sources that feed it, and its (condition, reason) rules in order: the first
    that holds is the reason; none holds = available -#}
{%- set families = [
    ('deployment_frequency', 'github, git', [
        ("not " ~ loaded.deployments, 'source not loaded'),
        ('not team_has_deployments', 'no deployments recorded')]),
    ('lead_time_for_changes', 'github, git', [
        ("not " ~ loaded.deployments, 'source not loaded'),
        ('not team_has_deployments', 'no deployments recorded'),
        ('lead_time_median_hours is null and commit_lead_time_median_hours is null', 'no deployed changes this month')]),
    ('change_failure_rate', 'github, git', [
        ("not " ~ loaded.deployments, 'source not loaded'),
        ('not team_has_deployments', 'no deployments recorded'),
        ('coalesce(production_deployments, 0) = 0', 'no deployments this month')]),
    ('time_to_restore', 'incidents, github, jira', [
        ("not " ~ loaded.incidents, 'source not loaded'),
        ('not team_has_incidents', 'no incidents recorded'),
        ('coalesce(incidents_resolved, 0) = 0', 'no incidents this month')]),
    ('pull_request_flow', 'github', [
        ("not " ~ loaded.pull_requests, 'source not loaded'),
        ('not team_has_pull_requests', 'no pull requests'),
        ('is_suppressed', 'below minimum group size')]),
    ('task_effort', 'jira', [
        ("not " ~ loaded.work_items, 'source not loaded'),
        ('not team_has_work_items', 'no work items'),
        ('is_suppressed', 'below minimum group size')]),
    ('ai_adoption', 'copilot, ai_usage_files', [
        ("not " ~ loaded.ai_tools, 'source not loaded'),
        ("cohort = 'control'", 'control team'),
        ('not team_has_ai_tools', 'no AI telemetry'),
        ('is_adoption_suppressed', 'below minimum group size'),
        ('ai_tool_signal = 0', 'no AI tool use this month')]),
    ('hours_saved', method_sources, [
        ("not " ~ loaded.method, 'source not loaded'),
        ("cohort = 'control'", 'control team'),
        ('is_suppressed', 'below minimum group size'),
        ('hours_saved is null', 'before rollout or nothing measured')]),
    ('ai_total_cost', 'files', [
        ("not " ~ loaded.costs, 'source not loaded'),
        ("cohort = 'control'", 'control team'),
        ('coalesce(ai_total_cost_usd, 0) = 0', 'no costs')]),
    ('net_productivity', 'files, ' ~ method_sources, [
        ("not (" ~ loaded.costs ~ " and " ~ loaded.method ~ ")", 'source not loaded'),
        ("cohort = 'control'", 'control team'),
        ('is_suppressed', 'below minimum group size'),
        ('net_productivity_gain_usd is null', 'before rollout or nothing measured')]),
    ('operations', 'files', [
        ("not " ~ loaded.operations, 'source not loaded'),
        ('coalesce(transactions, 0) = 0', 'no transactions recorded')]),
] %}

with

delivery as (
    select * from {{ ref('fct_delivery_team_monthly') }}
),

adoption_weekly as (
    select * from {{ ref('fct_ai_adoption_team_weekly') }}
),

task_effort as (
    select * from {{ ref('fct_task_effort_team_monthly') }}
),

hours_saved as (
    select * from {{ ref('fct_hours_saved_team_monthly') }}
),

tco as (
    select * from {{ ref('fct_ai_tco_team_monthly') }}
),

net_productivity as (
    select * from {{ ref('fct_net_productivity_team_monthly') }}
),

operations as (
    select * from {{ ref('fct_operations_team_monthly') }}
),

adoption_monthly as (
    select
        team_name,
        {{ month_start('week_start') }} as month_start,
        max(case when is_suppressed then 1 else 0 end) = 1 as is_suppressed,
        sum(coalesce(seats_assigned, 0)) as seat_weeks,
        sum(coalesce(active_users, 0) + coalesce(suggestions_shown, 0)) as usage_signal
    from adoption_weekly
    group by team_name, {{ month_start('week_start') }}
),

task_effort_monthly as (
    select
        team_name,
        month_start,
        max(case when is_suppressed then 1 else 0 end) = 1 as is_suppressed,
        sum(tasks_done) as tasks_done
    from task_effort
    group by team_name, month_start
),

team_months as (
    select
        delivery.team_name,
        delivery.month_start,
        delivery.cohort,
        delivery.phase,
        delivery.is_suppressed,
        delivery.production_deployments,
        delivery.lead_time_median_hours,
        delivery.commit_lead_time_median_hours,
        delivery.incidents_resolved,
        delivery.merged_pull_requests,
        coalesce(adoption_monthly.is_suppressed, delivery.is_suppressed) as is_adoption_suppressed,
        coalesce(adoption_monthly.seat_weeks, 0) + coalesce(adoption_monthly.usage_signal, 0) as ai_tool_signal,
        coalesce(task_effort_monthly.tasks_done, 0) as tasks_done,
        hours_saved.hours_saved,
        tco.ai_total_cost_usd,
        net_productivity.net_productivity_gain_usd,
        operations.transactions,
        -- whether the team's data ever holds what a family needs
        sum(coalesce(delivery.production_deployments, 0)) over (partition by delivery.team_name) > 0 as team_has_deployments,
        sum(coalesce(delivery.incidents_resolved, 0)) over (partition by delivery.team_name) > 0 as team_has_incidents,
        sum(coalesce(delivery.merged_pull_requests, 0)) over (partition by delivery.team_name) > 0 as team_has_pull_requests,
        sum(coalesce(task_effort_monthly.tasks_done, 0)) over (partition by delivery.team_name) > 0 as team_has_work_items,
        sum(coalesce(adoption_monthly.seat_weeks, 0) + coalesce(adoption_monthly.usage_signal, 0))
            over (partition by delivery.team_name)
        > 0 as team_has_ai_tools
    from delivery
    left join adoption_monthly
        on delivery.team_name = adoption_monthly.team_name and delivery.month_start = adoption_monthly.month_start
    left join task_effort_monthly
        on delivery.team_name = task_effort_monthly.team_name and delivery.month_start = task_effort_monthly.month_start
    left join hours_saved
        on delivery.team_name = hours_saved.team_name and delivery.month_start = hours_saved.month_start
    left join tco
        on delivery.team_name = tco.team_name and delivery.month_start = tco.month_start
    left join net_productivity
        on delivery.team_name = net_productivity.team_name and delivery.month_start = net_productivity.month_start
    left join operations
        on delivery.team_name = operations.team_name and delivery.month_start = operations.month_start
),

families as (
    {%- for family, sources, rules in families %}
        select
            team_name,
            month_start,
            '{{ family }}' as metric_family,
            '{{ sources }}' as sources_required,
            case
                {%- for condition, reason in rules %}
                    when {{ condition }} then '{{ reason }}'
                {%- endfor %}
            end as coverage_reason
        from team_months
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(month_start as date) as month_start,
        cast(metric_family as {{ dbt.type_string() }}) as metric_family,
        coverage_reason is null as is_available,
        cast(coverage_reason as {{ dbt.type_string() }}) as coverage_reason,
        cast(sources_required as {{ dbt.type_string() }}) as sources_required
    from families
)

select * from final
