{#-
    The one definition of the delivery metrics (docs/metrics.md, Layer 2 and Baseline).

    grain:  'week' (ISO week, Monday), 'month', 'quarter' (calendar), or 'baseline': each
            team's Day-Zero window [R - var('baseline_window_days'), R) as its one period
            (scope 'team' only).
    scopes: any of 'team' (one row per team), 'cohort' (treatment, control: the events of
            the cohort's teams pooled) and 'org' (scope_name 'all': every event, also those
            of no known team). One scope publishes `team_name` (the org: 'all'), several
            publish `scope_type` and `scope_name`.
    incident_rule: when an incident makes a deployment failed. 'any_linked' (default): a
            failed status or any incident linked to it, counted once.
            'started_before_period_end': only incidents that started before the period
            ended, so a frozen period (the baseline) cannot change later.
    cycle_time_rule: 'any_deployment' (default): the median over merged PRs with a cycle
            time; 'deployed_before_period_end': only PRs deployed before the period ended.
    suppress: null each person-derived cell unless var('min_group_size') distinct PR authors
            stand behind it (suppress_small_cell; is_suppressed: the period's authors are
            fewer); false: the caller applies the rule itself.

    Attribution (docs/metrics.md, Team attribution): deployments, lead time, change failure,
    recovery, rework and churn follow the team owning the repository; incidents their
    service's team; PR throughput, cycle-time stages, review queue, PR size and AI share the
    PR author's team at creation. Deployments count in the period they finished, PRs in the
    period they merged (lead time: deployed), time to restore in the period the incident
    was resolved. Deploy days per week of a scope = the mean over its teams of each team's
    distinct deploy days x 7 / the period's observed days (pooled distinct days would
    saturate as teams are added); every other figure pools the scope's events.
-#}
{% macro team_delivery_metrics(grain, scopes=['team'], incident_rule='any_linked',
    cycle_time_rule='any_deployment', suppress=true) %}
{%- if grain == 'baseline' and scopes != ['team'] -%}
    {{ exceptions.raise_compiler_error("team_delivery_metrics: the baseline grain is per team (scopes=['team'])") }}
{%- endif -%}
{%- if incident_rule not in ['any_linked', 'started_before_period_end'] -%}
    {{ exceptions.raise_compiler_error("team_delivery_metrics: unknown incident_rule " ~ incident_rule) }}
{%- endif -%}
{%- if cycle_time_rule not in ['any_deployment', 'deployed_before_period_end'] -%}
    {{ exceptions.raise_compiler_error("team_delivery_metrics: unknown cycle_time_rule " ~ cycle_time_rule) }}
{%- endif -%}
{%- set single_scope = scopes | length == 1 -%}
with

teams as (
    select * from {{ ref('int_teams') }}
),

{% if grain != 'baseline' -%}
observed_days as (
    select * from {{ ref('int_observed_days') }}
),
{%- endif %}

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

---------- scopes: which teams' events each scope row pools

scope_teams as (
    {%- for scope in scopes %}
    select
        '{{ scope }}' as scope_type,
        {{ {'team': 'team_name', 'cohort': 'cohort', 'org': "'all'"}[scope] }} as scope_name,
        {{ {'team': 'cohort', 'cohort': 'cohort', 'org': "'all'"}[scope] }} as cohort,
        {{ 'reference_date' if scope == 'team' else 'cast(null as date)' }} as reference_date,
        team_name
    from teams
    {%- if scope == 'cohort' %}
    where cohort in ('treatment', 'control')
    {%- endif %}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

scope_events as (
    -- the join key of events to scopes (_delivery_scope_match): each scope's member teams,
    -- and for the org also the key of events of no known team, which count in the org only
    select distinct
        scope_type,
        scope_name,
        team_name as member_team_name
    from scope_teams
    {%- if 'org' in scopes %}
    union  -- distinct: a team that happened to be called that would still count once
    select
        'org' as scope_type,
        'all' as scope_name,
        '{{ _delivery_no_team() }}' as member_team_name
    {%- endif %}
),

---------- periods

{% if grain == 'baseline' %}
periods as (
    select
        team_name as period_team_name,
        baseline_start_date as period_start,
        cast(baseline_start_date as {{ dbt.type_timestamp() }}) as period_start_at,
        cast(reference_date as {{ dbt.type_timestamp() }}) as period_end_at,
        {{ var('baseline_window_days') }} as period_days
    from teams
    where reference_date is not null
),

spine as (
    select
        scope_teams.scope_type,
        scope_teams.scope_name,
        scope_teams.cohort,
        scope_teams.reference_date,
        periods.period_start,
        periods.period_end_at,
        periods.period_days,
        1 as teams_in_scope
    from scope_teams
    inner join periods on scope_teams.team_name = periods.period_team_name
),
{% else %}
periods as (
    select
        cast({{ dbt.date_trunc(grain, 'date_day') }} as date) as period_start,
        count(*) as period_days
    from observed_days
    group by 1
),

spine as (
    select
        scope_teams.scope_type,
        scope_teams.scope_name,
        scope_teams.cohort,
        scope_teams.reference_date,
        periods.period_start,
        cast({{ dbt.dateadd(grain, 1, 'periods.period_start') }} as {{ dbt.type_timestamp() }}) as period_end_at,
        periods.period_days,
        count(*) as teams_in_scope
    from scope_teams
    cross join periods
    group by 1, 2, 3, 4, 5, 6, 7
),
{% endif %}

---------- people: the largest weekly roster and the engineer-weeks of the period

headcount as (
    select
        scope_type,
        scope_name,
        period_start,
        max(rostered_members) as rostered_members,
        sum(rostered_members) as engineer_weeks
    from (
        select
            scope_events.scope_type,
            scope_events.scope_name,
            {{ _delivery_period_start(grain, 'headcount_weekly.week_start') }} as period_start,
            headcount_weekly.week_start,
            sum(headcount_weekly.rostered_members) as rostered_members
        from headcount_weekly
        {{ _delivery_in_period(grain, scopes, 'headcount_weekly.team_name', 'cast(headcount_weekly.week_start as ' ~ dbt.type_timestamp() ~ ')') }}
        group by 1, 2, 3, 4
    ) as weekly
    group by 1, 2, 3
),

---------- delivery: the owner team's deployments, lead time and churn

{% if incident_rule != 'any_linked' -%}
first_incidents as (
    -- one row per deployment: the left join below never multiplies deployments
    select
        deployment_id,
        min(started_at) as first_incident_started_at
    from incidents
    where deployment_id is not null
    group by 1
),
{%- endif %}

deployment_metrics as (
    select
        scope_events.scope_type,
        scope_events.scope_name,
        {{ _delivery_period_start(grain, 'deployments.finished_at') }} as period_start,
        count(*) as production_deployments,
        sum(case when deployments.is_successful then 1 else 0 end) as successful_deployments,
        count(distinct case when deployments.is_successful then cast(deployments.finished_at as date) end) as deploy_days,
        {%- if incident_rule == 'any_linked' %}
        sum(case when deployments.is_failed then 1 else 0 end) as failed_deployments,
        {%- else %}
        sum(
            case
                when deployments.has_failed_status
                    or first_incidents.first_incident_started_at < {{ _delivery_period_end_at(grain, 'deployments.finished_at') }}
                    then 1
                else 0
            end
        ) as failed_deployments,
        {%- endif %}
        sum(case when deployments.is_successful and deployments.is_rework then 1 else 0 end) as rework_deployments,
        {{ median('deployments.recovery_hours') }} as failed_deployment_recovery_median_hours
    from deployments
    {{ _delivery_in_period(grain, scopes, 'deployments.owner_team_name', 'deployments.finished_at') }}
    {%- if incident_rule != 'any_linked' %}
    left join first_incidents on deployments.deployment_id = first_incidents.deployment_id
    {%- endif %}
    group by 1, 2, 3
),

team_deploy_days as (
    -- each team's distinct deploy days, for the scope's mean deploy days per week
    select
        deployments.owner_team_name as team_name,
        {{ _delivery_period_start(grain, 'deployments.finished_at') }} as period_start,
        count(distinct cast(deployments.finished_at as date)) as deploy_days
    from deployments
    {%- if grain == 'baseline' %}
    inner join periods
        on deployments.owner_team_name = periods.period_team_name
        and deployments.finished_at >= periods.period_start_at
        and deployments.finished_at < periods.period_end_at
    {%- endif %}
    where deployments.is_successful
    group by 1, 2
),

deploy_frequency as (
    select
        spine.scope_type,
        spine.scope_name,
        spine.period_start,
        avg({{ safe_divide('coalesce(team_deploy_days.deploy_days, 0) * 7.0', 'spine.period_days') }})
            as deploy_days_per_week
    from spine
    inner join scope_teams
        on spine.scope_type = scope_teams.scope_type
        and spine.scope_name = scope_teams.scope_name
    left join team_deploy_days
        on scope_teams.team_name = team_deploy_days.team_name
        and spine.period_start = team_deploy_days.period_start
    group by 1, 2, 3
),

lead_time_metrics as (
    select
        scope_events.scope_type,
        scope_events.scope_name,
        {{ _delivery_period_start(grain, 'pull_requests.deployed_at') }} as period_start,
        count(*) as deployed_pull_requests,
        {{ median('pull_requests.lead_time_hours') }} as lead_time_median_hours,
        {{ percentile('pull_requests.lead_time_hours', 0.9) }} as lead_time_p90_hours
    from pull_requests
    {{ _delivery_in_period(grain, scopes, 'pull_requests.deploying_team_name', 'pull_requests.deployed_at') }}
    where pull_requests.deployment_id is not null
    group by 1, 2, 3
),

commit_lead_time_metrics as (
    select
        scope_events.scope_type,
        scope_events.scope_name,
        {{ _delivery_period_start(grain, 'deployed_commits.deployed_at') }} as period_start,
        {{ median('deployed_commits.commit_lead_time_hours') }} as commit_lead_time_median_hours
    from deployed_commits
    {{ _delivery_in_period(grain, scopes, 'deployed_commits.deploying_team_name', 'deployed_commits.deployed_at') }}
    group by 1, 2, 3
),

restore_metrics as (
    select
        scope_events.scope_type,
        scope_events.scope_name,
        {{ _delivery_period_start(grain, 'incidents.resolved_at') }} as period_start,
        count(*) as incidents_resolved,
        {{ median('incidents.time_to_restore_hours') }} as time_to_restore_median_hours
    from incidents
    {{ _delivery_in_period(grain, scopes, 'incidents.team_name', 'incidents.resolved_at') }}
    where incidents.resolved_at is not null
    group by 1, 2, 3
),

churn_metrics as (
    select
        scope_events.scope_type,
        scope_events.scope_name,
        {{ _delivery_period_start(grain, 'churn.merged_at') }} as period_start,
        sum(churn.lines_changed) as changed_lines,
        sum(case when churn.is_churn then churn.lines_changed else 0 end) as churned_lines
    from churn
    {{ _delivery_in_period(grain, scopes, 'churn.owner_team_name', 'churn.merged_at') }}
    group by 1, 2, 3
),

---------- people flow: the author team's merged PRs

flow_metrics as (
    select
        scope_events.scope_type,
        scope_events.scope_name,
        {{ _delivery_period_start(grain, 'pull_requests.merged_at') }} as period_start,
        count(*) as merged_pull_requests,
        count(distinct pull_requests.author_id) as pull_request_authors,
        count(distinct case when pull_requests.is_ai_assisted then pull_requests.author_id end)
            as ai_assisted_pull_request_authors,
        count(distinct case when not pull_requests.is_ai_assisted then pull_requests.author_id end)
            as not_ai_assisted_pull_request_authors,
        count(distinct {{ week_start('pull_requests.merged_at') }}) as weeks_with_merged_pull_requests,
        sum(case when pull_requests.is_ai_assisted then 1 else 0 end) as ai_assisted_merged_pull_requests,
        sum(case when not pull_requests.was_reviewed_before_merge then 1 else 0 end) as merged_without_review,
        {%- if cycle_time_rule == 'any_deployment' %}
        {{ median('pull_requests.cycle_time_hours') }} as cycle_time_median_hours,
        {%- else %}
        {{ median(
            'case when pull_requests.deployed_at < ' ~ _delivery_period_end_at(grain, 'pull_requests.merged_at')
            ~ ' then pull_requests.cycle_time_hours end'
        ) }} as cycle_time_median_hours,
        {%- endif %}
        {{ median('pull_requests.coding_hours') }} as coding_median_hours,
        {{ median('pull_requests.pickup_hours') }} as pickup_median_hours,
        {{ median('pull_requests.review_hours') }} as review_median_hours,
        {{ median('pull_requests.deploy_hours') }} as deploy_median_hours,
        {{ median('case when pull_requests.is_ai_assisted then pull_requests.pr_size_lines end') }}
            as median_pr_size_ai_assisted,
        {{ median('case when not pull_requests.is_ai_assisted then pull_requests.pr_size_lines end') }}
            as median_pr_size_not_ai_assisted
    from pull_requests
    {{ _delivery_in_period(grain, scopes, 'pull_requests.people_flow_team_name', 'pull_requests.merged_at') }}
    where pull_requests.is_merged and pull_requests.people_flow_team_name is not null
    group by 1, 2, 3
),

review_queue_candidates as (
    -- PRs waiting for a first review at some period end: in the queue from creation until
    -- the first review or closing, and still there at the end of their creation period
    -- (a cheap filter that keeps the range join below to the few PRs that wait that long)
    select * from (
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
    {%- if grain != 'baseline' %}
    where queue_until_at >= {{ _delivery_period_end_at(grain, 'created_at') }}
    {%- endif %}
),

review_queue as (
    -- the scope rows of each waiting PR (_delivery_scope_match), then the scope's periods it
    -- is still waiting at the end of: joined in that order, the periods are matched on the
    -- scope before the times are compared (matching the periods on the times alone and the
    -- team afterwards paired every team's periods with every team's waiting PRs: 7.2M pairs
    -- for 36k rows at full bench size, most of fct_delivery_team_weekly's time)
    select
        spine.scope_type,
        spine.scope_name,
        spine.period_start,
        count(review_queue_candidates.pull_request_id) as review_queue_pull_requests,
        count(distinct review_queue_candidates.author_id) as review_queue_authors,
        {{ median(hours_between('review_queue_candidates.created_at', 'spine.period_end_at')) }}
            as review_queue_median_age_hours,
        sum(review_queue_candidates.pr_size_lines) as review_queue_lines
    from review_queue_candidates
    {{ _delivery_scope_match(scopes, 'review_queue_candidates.people_flow_team_name') }}
    inner join spine
        on scope_events.scope_type = spine.scope_type
        and scope_events.scope_name = spine.scope_name
        and review_queue_candidates.created_at < spine.period_end_at
        and review_queue_candidates.queue_until_at >= spine.period_end_at
    group by 1, 2, 3
),

---------- together

{%- set sources = ['headcount', 'deployment_metrics', 'deploy_frequency', 'lead_time_metrics',
    'commit_lead_time_metrics', 'restore_metrics', 'churn_metrics', 'flow_metrics', 'review_queue'] %}
{%- set counts = {
    'headcount': ['rostered_members', 'engineer_weeks'],
    'deployment_metrics': ['production_deployments', 'successful_deployments', 'deploy_days', 'failed_deployments',
        'rework_deployments'],
    'lead_time_metrics': ['deployed_pull_requests'],
    'restore_metrics': ['incidents_resolved'],
    'churn_metrics': ['changed_lines', 'churned_lines'],
    'flow_metrics': ['merged_pull_requests', 'weeks_with_merged_pull_requests', 'ai_assisted_merged_pull_requests',
        'merged_without_review', 'pull_request_authors', 'ai_assisted_pull_request_authors',
        'not_ai_assisted_pull_request_authors'],
    'review_queue': ['review_queue_pull_requests', 'review_queue_lines', 'review_queue_authors'],
} %}
{%- set values = {
    'deployment_metrics': ['failed_deployment_recovery_median_hours'],
    'deploy_frequency': ['deploy_days_per_week'],
    'lead_time_metrics': ['lead_time_median_hours', 'lead_time_p90_hours'],
    'commit_lead_time_metrics': ['commit_lead_time_median_hours'],
    'restore_metrics': ['time_to_restore_median_hours'],
    'flow_metrics': ['cycle_time_median_hours', 'coding_median_hours', 'pickup_median_hours', 'review_median_hours',
        'deploy_median_hours', 'median_pr_size_ai_assisted', 'median_pr_size_not_ai_assisted'],
    'review_queue': ['review_queue_median_age_hours'],
} %}

joined as (
    select
        spine.scope_type,
        spine.scope_name,
        spine.period_start,
        spine.cohort,
        spine.period_days,
        spine.teams_in_scope,
        {{ phase_of('spine.period_start', 'spine.reference_date') }} as phase,
        {{ is_small_cell('flow_metrics.pull_request_authors') }} as is_suppressed
        {%- for source in sources %}
            {%- for column in counts.get(source, []) %},
        coalesce({{ source }}.{{ column }}, 0) as {{ column }}
            {%- endfor %}
            {%- for column in values.get(source, []) %},
        {{ source }}.{{ column }}
            {%- endfor %}
        {%- endfor %}
    from spine
    {%- for source in sources %}
    left join {{ source }}
        on spine.scope_type = {{ source }}.scope_type
        and spine.scope_name = {{ source }}.scope_name
        and spine.period_start = {{ source }}.period_start
    {%- endfor %}
),

rated as (
    select
        *,
        {{ safe_divide('failed_deployments', 'production_deployments') }} as change_failure_rate,
        {{ safe_divide('rework_deployments', 'successful_deployments') }} as rework_rate,
        {{ safe_divide('churned_lines', 'changed_lines') }} as code_churn_rate,
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
{%- if grain == 'baseline' %}
    {%- do people_columns.append(('weeks_with_merged_pull_requests', 'bigint', 'pull_request_authors')) %}
{%- endif %}

final as (
    select
        {%- if single_scope %}
        cast(scope_name as {{ dbt.type_string() }}) as team_name,
        {%- else %}
        cast(scope_type as {{ dbt.type_string() }}) as scope_type,
        cast(scope_name as {{ dbt.type_string() }}) as scope_name,
        {%- endif %}
        cast(period_start as date) as {{ grain }}_start,
        cast(cohort as {{ dbt.type_string() }}) as cohort,
        cast(phase as {{ dbt.type_string() }}) as phase,
        cast(rostered_members as bigint) as rostered_members,
        cast(engineer_weeks as bigint) as engineer_weeks,
        is_suppressed,
        {%- for column in ['pull_request_authors', 'ai_assisted_pull_request_authors', 'not_ai_assisted_pull_request_authors',
            'review_queue_authors'] %}
        cast({{ column }} as bigint) as {{ column }},
        {%- endfor %}
        {%- if not single_scope %}
        -- the scope and period themselves
        cast(teams_in_scope as bigint) as teams_in_scope,
        cast(period_days as bigint) as observed_days,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd(grain, 1, 'period_start')) }} as date) as {{ grain }}_end_date,
        period_days = {{ dbt.datediff('period_start', dbt.dateadd(grain, 1, 'period_start'), 'day') }}
            as is_complete_{{ grain }},
        {%- endif %}
        -- delivery (owner team): not person-derived, never suppressed
        {%- for column, data_type in delivery_columns %}
        cast({{ column }} as {{ data_type }}) as {{ column }},
        {%- endfor %}
        -- people flow (author team): person-derived, null unless var('min_group_size')
        -- distinct authors stand behind the cell (suppress_small_cell)
        {%- for column, data_type, people in people_columns %}
        {%- if suppress %}
        cast({{ suppress_small_cell(column, people) }} as {{ data_type }}) as {{ column }}
        {%- else %}
        cast({{ column }} as {{ data_type }}) as {{ column }}
        {%- endif %}
        {{- "," if not loop.last }}
        {%- endfor %}
    from with_tiers
)

select * from final
{% endmacro %}

{#- The joins that put an event of team `team_expr` at time `ts` into its scopes (and, for
    the baseline grain, its team's window). -#}
{% macro _delivery_in_period(grain, scopes, team_expr, ts) -%}
    {{ _delivery_scope_match(scopes, team_expr) }}
    {%- if grain == 'baseline' %}
    inner join periods
        on {{ team_expr }} = periods.period_team_name
        and {{ ts }} >= periods.period_start_at
        and {{ ts }} < periods.period_end_at
    {%- endif %}
{%- endmacro %}

{#- The join that puts an event of team `team_expr` into its scope rows (scope_events): its
    team's and its team's cohort's by the team, and, when the org is a scope, the org's
    (every event, also those of no known team: their key is _delivery_no_team()). An
    equality, so the engine hashes it (an `or ... is null` here was a nested loop over every
    event and scope row: fct_delivery_scope_quarterly's 9 s at full bench size). -#}
{% macro _delivery_scope_match(scopes, team_expr) -%}
    {%- if 'org' in scopes %}
    left join teams as scope_known_teams
        on {{ team_expr }} = scope_known_teams.team_name
    inner join scope_events
        on coalesce(scope_known_teams.team_name, '{{ _delivery_no_team() }}') = scope_events.member_team_name
    {%- else %}
    inner join scope_events
        on {{ team_expr }} = scope_events.member_team_name
    {%- endif %}
{%- endmacro %}

{#- The org scope's key for an event of no known team (null, or a name not in int_teams). -#}
{% macro _delivery_no_team() -%}
    (no known team)
{%- endmacro %}

{#- The first day of the period an event at `ts` counts in. -#}
{% macro _delivery_period_start(grain, ts) -%}
    {%- if grain == 'baseline' %}periods.period_start{% else %}cast({{ dbt.date_trunc(grain, ts) }} as date){% endif -%}
{%- endmacro %}

{#- The end (exclusive, a timestamp) of the period an event at `ts` counts in. -#}
{% macro _delivery_period_end_at(grain, ts) -%}
    {%- if grain == 'baseline' %}periods.period_end_at{% else -%}
    cast({{ dbt.dateadd(grain, 1, dbt.date_trunc(grain, ts)) }} as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}
