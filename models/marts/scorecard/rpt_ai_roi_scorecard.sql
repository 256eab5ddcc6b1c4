{#-
    The executive scorecard. docs/metrics.md aligns three layers: Layer 1 (individual output:
    adoption, acceptance, hours saved), Layer 2 (team throughput and quality against the
    Day-Zero baseline) and Layer 3 (business impact: "Net productivity gain = value of
    hours saved - AI total cost ... roi = net_productivity_gain / ai_total_cost"), with
    "ROI figures built on [an unverifiable baseline] carry that flag".

    One row per scope and calendar quarter of the observation window, where a scope is a
    team (scope_type 'team'), a cohort ('cohort': treatment, control) or the organisation
    ('org', scope_name 'all'):
    - adoption (fct_ai_adoption_team_weekly): seats, seat utilisation and adoption stage
      of the quarter's last observed week; acceptance rate and AI-assisted PR share from
      the quarter's summed counts; mean AI trust = response-weighted over the quarter;
      a cohort/org adoption stage applies the adoption-stage vars to the pooled weekly
      active seat share (a team's stage is the mart's);
    - hours saved (fct_hours_saved_team_monthly): the four estimates side by side and
      hours_saved per var('hours_saved_method'), summed over the quarter's months;
    - throughput and quality, recomputed from the underlying rows over the quarter (not
      averages of weekly medians): median lead time of PRs deployed in the quarter by the
      owner team, median cycle time of PRs merged in the quarter by the author team, PR
      throughput = merged PRs / engineer-weeks, change failure and rework rate of the
      production deployments that finished in the quarter; deploy days per week = a
      team's distinct deploy days x 7 / observed days of the quarter, for a cohort or the
      org the mean over its teams (a pooled count of distinct days would saturate);
    - baseline (fct_team_baselines) and delta = quarter - baseline. A cohort/org baseline
      pools the team baselines: throughput = merged PRs / engineer-weeks, change failure
      and rework rate weighted by production / successful deployments (exact), deploy days
      per week = mean over teams, and the medians (lead time, cycle time) = the mean of
      team baseline medians weighted by their PR counts (an approximation: a pooled median
      cannot be rebuilt from team medians);
    - cost and value (fct_net_productivity_team_monthly; org rows
      fct_net_productivity_org_monthly, which also carries unallocated invoices): sums over
      the quarter's months, roi = net gain / AI total cost of the quarter;
    - 90% intervals of hours saved, value, net gain and roi (`*_lower_90`, `*_upper_90`):
      the quarter rows of fct_headline_intervals (a team's bootstrap resamples tasks within
      the team, a cohort's and the org's resample teams then tasks; AI cost is exact);
    - is_verifiable: the team's baseline is verifiable; a cohort/org only when all its
      teams' are. is_complete_quarter: the quarter lies fully inside int_observation_window;
    - flags: flag_low_trust (mean AI trust < 3), flag_idle_seats (seat utilisation < 0.5),
      flag_quality_regression (change failure or rework rate up on the baseline by more
      than var('scorecard_quality_regression_threshold', 0.05) absolute and, for
      treatment teams and the treatment cohort, also up more than the control cohort's
      over the same quarter: the difference-in-differences direction),
      flag_leakage_over_half (leakage_hours / hours_saved > 0.5, fct_leakage_team_monthly).
      A flag without data is false; the flags built on person-derived figures (trust,
      seats, leakage) are false for a suppressed scope-quarter.
    Privacy: a scope-quarter whose largest weekly roster (summed over its teams) is below
    var('min_group_size') has its person-derived columns null and is_suppressed = true
    (suppress_small_cell); the trust mean also needs var('min_group_size') responses.
-#}
{%- set regression_threshold = var('scorecard_quality_regression_threshold', 0.05) -%}
with

teams as (
    select * from {{ ref('int_teams') }}
),

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

observation as (
    select * from {{ ref('int_observation_window') }}
),

headcount_weekly as (
    select * from {{ ref('int_team_headcount_weekly') }}
),

pull_requests as (
    select * from {{ ref('int_pull_requests_with_cycle_stages') }}
),

deployments as (
    select * from {{ ref('int_deployments_enriched') }}
),

baselines as (
    select * from {{ ref('fct_team_baselines') }}
),

adoption_weekly as (
    select * from {{ ref('fct_ai_adoption_team_weekly') }}
),

hours_saved_monthly as (
    select * from {{ ref('fct_hours_saved_team_monthly') }}
),

net_productivity_team_monthly as (
    select * from {{ ref('fct_net_productivity_team_monthly') }}
),

net_productivity_org_monthly as (
    select * from {{ ref('fct_net_productivity_org_monthly') }}
),

leakage_monthly as (
    select * from {{ ref('fct_leakage_team_monthly') }}
),

headline_intervals as (
    select * from {{ ref('fct_headline_intervals') }}
    where period_type = 'quarter'
),

---------- scopes and quarters

quarters as (
    select
        calendar.quarter_start,
        max(calendar.date_day) as quarter_end_date,
        sum(case when calendar.date_day between observation.observation_start_date and observation.observation_end_date then 1 else 0 end)
            as observed_days,
        min(calendar.date_day) >= min(observation.observation_start_date)
        and max(calendar.date_day) <= max(observation.observation_end_date) as is_complete_quarter
    from calendar
    cross join observation
    where
        calendar.quarter_start >= cast({{ dbt.date_trunc('quarter', 'observation.observation_start_date') }} as date)
        and calendar.quarter_start <= observation.observation_end_date
    group by 1
),

scope_members as (
    select
        'team' as scope_type,
        team_name as scope_name,
        cohort,
        team_name
    from teams
    union all
    select
        'cohort' as scope_type,
        cohort as scope_name,
        cohort,
        team_name
    from teams
    where cohort in ('treatment', 'control')
    union all
    select
        'org' as scope_type,
        'all' as scope_name,
        'all' as cohort,
        team_name
    from teams
),

scopes as (
    select
        scope_type,
        scope_name,
        min(cohort) as cohort,
        count(*) as teams_in_scope
    from scope_members
    group by 1, 2
),

spine as (
    select
        scopes.scope_type,
        scopes.scope_name,
        scopes.cohort,
        scopes.teams_in_scope,
        quarters.quarter_start,
        quarters.quarter_end_date,
        quarters.observed_days,
        quarters.is_complete_quarter
    from scopes
    cross join quarters
),

---------- people: engineer-weeks and privacy

team_quarter_headcount as (
    select
        team_name,
        cast({{ dbt.date_trunc('quarter', 'week_start') }} as date) as quarter_start,
        sum(rostered_members) as engineer_weeks,
        max(rostered_members) as rostered_members
    from headcount_weekly
    group by 1, 2
),

headcount as (
    select
        scope_members.scope_type,
        scope_members.scope_name,
        team_quarter_headcount.quarter_start,
        sum(team_quarter_headcount.engineer_weeks) as engineer_weeks,
        sum(team_quarter_headcount.rostered_members) as rostered_members
    from team_quarter_headcount
    inner join scope_members on team_quarter_headcount.team_name = scope_members.team_name
    group by 1, 2, 3
),

---------- layer 2: throughput and quality from the underlying rows

flow as (
    -- PRs merged in the quarter, by the author's team (people flow)
    select
        scope_members.scope_type,
        scope_members.scope_name,
        cast({{ dbt.date_trunc('quarter', 'pull_requests.merged_at') }} as date) as quarter_start,
        count(*) as merged_pull_requests,
        {{ median('pull_requests.cycle_time_hours') }} as cycle_time_median_hours
    from pull_requests
    inner join scope_members on pull_requests.people_flow_team_name = scope_members.team_name
    where pull_requests.is_merged
    group by 1, 2, 3
),

lead_time as (
    -- PRs deployed in the quarter, by the deploying (owner) team
    select
        scope_members.scope_type,
        scope_members.scope_name,
        cast({{ dbt.date_trunc('quarter', 'pull_requests.deployed_at') }} as date) as quarter_start,
        count(*) as deployed_pull_requests,
        {{ median('pull_requests.lead_time_hours') }} as lead_time_median_hours
    from pull_requests
    inner join scope_members on pull_requests.deploying_team_name = scope_members.team_name
    where pull_requests.deployment_id is not null
    group by 1, 2, 3
),

team_quarter_deployments as (
    select
        owner_team_name as team_name,
        cast({{ dbt.date_trunc('quarter', 'finished_at') }} as date) as quarter_start,
        count(*) as production_deployments,
        sum(case when is_successful then 1 else 0 end) as successful_deployments,
        sum(case when is_failed then 1 else 0 end) as failed_deployments,
        sum(case when is_successful and is_rework then 1 else 0 end) as rework_deployments,
        count(distinct case when is_successful then cast(finished_at as date) end) as deploy_days
    from deployments
    where owner_team_name is not null
    group by 1, 2
),

delivery as (
    -- every team of the scope counts in the deploy-days mean, a team without deployments as 0
    select
        spine.scope_type,
        spine.scope_name,
        spine.quarter_start,
        sum(coalesce(team_quarter_deployments.production_deployments, 0)) as production_deployments,
        sum(coalesce(team_quarter_deployments.successful_deployments, 0)) as successful_deployments,
        sum(coalesce(team_quarter_deployments.failed_deployments, 0)) as failed_deployments,
        sum(coalesce(team_quarter_deployments.rework_deployments, 0)) as rework_deployments,
        avg({{ safe_divide('coalesce(team_quarter_deployments.deploy_days, 0) * 7.0', 'spine.observed_days') }})
            as deploy_days_per_week
    from spine
    inner join scope_members
        on spine.scope_type = scope_members.scope_type
        and spine.scope_name = scope_members.scope_name
    left join team_quarter_deployments
        on scope_members.team_name = team_quarter_deployments.team_name
        and spine.quarter_start = team_quarter_deployments.quarter_start
    group by 1, 2, 3
),

baseline as (
    select
        scope_members.scope_type,
        scope_members.scope_name,
        min(case when baselines.is_verifiable then 1 else 0 end) = 1 as is_verifiable,
        {{ safe_divide('sum(baselines.merged_pull_requests)', 'sum(baselines.engineer_weeks)') }}
            as pr_throughput_per_engineer_week,
        {{ safe_divide(
            'sum(baselines.cycle_time_median_hours * baselines.merged_pull_requests)',
            'sum(case when baselines.cycle_time_median_hours is not null then baselines.merged_pull_requests end)'
        ) }} as cycle_time_median_hours,
        {{ safe_divide(
            'sum(baselines.lead_time_median_hours * baselines.deployed_pull_requests)',
            'sum(case when baselines.lead_time_median_hours is not null then baselines.deployed_pull_requests end)'
        ) }} as lead_time_median_hours,
        avg(baselines.deploy_days_per_week) as deploy_days_per_week,
        {{ safe_divide(
            'sum(baselines.change_failure_rate * baselines.production_deployments)',
            'sum(case when baselines.change_failure_rate is not null then baselines.production_deployments end)'
        ) }} as change_failure_rate,
        -- successful baseline deployments = deployments_per_week x window days / 7 (fct_team_baselines)
        {{ safe_divide(
            'sum(baselines.rework_rate * baselines.deployments_per_week * ' ~ var('baseline_window_days') ~ ' / 7.0)',
            'sum(case when baselines.rework_rate is not null then baselines.deployments_per_week * ' ~ var('baseline_window_days') ~ ' / 7.0 end)'
        ) }} as rework_rate
    from scope_members
    left join baselines on scope_members.team_name = baselines.team_name
    group by 1, 2
),

team_quarter_deltas as (
    -- each team's change on its own baseline, with the count behind each metric as weight
    select
        teams.team_name,
        teams.reference_date,
        quarters.quarter_start,
        team_flow.merged_pull_requests as cycle_time_weight,
        team_flow.cycle_time_median_hours - baselines.cycle_time_median_hours as cycle_time_median_hours_delta,
        team_lead_time.deployed_pull_requests as lead_time_weight,
        team_lead_time.lead_time_median_hours - baselines.lead_time_median_hours as lead_time_median_hours_delta,
        team_quarter_deployments.production_deployments as change_failure_rate_weight,
        {{ safe_divide('team_quarter_deployments.failed_deployments', 'team_quarter_deployments.production_deployments') }}
        - baselines.change_failure_rate as change_failure_rate_delta,
        team_quarter_deployments.successful_deployments as rework_rate_weight,
        {{ safe_divide('team_quarter_deployments.rework_deployments', 'team_quarter_deployments.successful_deployments') }}
        - baselines.rework_rate as rework_rate_delta,
        1 as deploy_days_weight,
        {{ safe_divide('coalesce(team_quarter_deployments.deploy_days, 0) * 7.0', 'quarters.observed_days') }}
        - baselines.deploy_days_per_week as deploy_days_per_week_delta,
        team_quarter_headcount.engineer_weeks as throughput_weight,
        {{ safe_divide('coalesce(team_flow.merged_pull_requests, 0)', 'team_quarter_headcount.engineer_weeks') }}
        - baselines.pr_throughput_per_engineer_week as pr_throughput_per_engineer_week_delta
    from teams
    cross join quarters
    left join baselines on teams.team_name = baselines.team_name
    left join flow as team_flow
        on team_flow.scope_type = 'team' and teams.team_name = team_flow.scope_name
        and quarters.quarter_start = team_flow.quarter_start
    left join lead_time as team_lead_time
        on team_lead_time.scope_type = 'team' and teams.team_name = team_lead_time.scope_name
        and quarters.quarter_start = team_lead_time.quarter_start
    left join team_quarter_deployments
        on teams.team_name = team_quarter_deployments.team_name
        and quarters.quarter_start = team_quarter_deployments.quarter_start
    left join team_quarter_headcount
        on teams.team_name = team_quarter_headcount.team_name
        and quarters.quarter_start = team_quarter_headcount.quarter_start
),

{%- set weighted_deltas = [
    ('lead_time_median_hours_delta', 'lead_time_weight'),
    ('deploy_days_per_week_delta', 'deploy_days_weight'),
    ('change_failure_rate_delta', 'change_failure_rate_weight'),
    ('rework_rate_delta', 'rework_rate_weight'),
    ('cycle_time_median_hours_delta', 'cycle_time_weight'),
    ('pr_throughput_per_engineer_week_delta', 'throughput_weight'),
] %}

scope_deltas as (
    -- same-teams change: the weighted mean of the scope's team deltas over teams with both a
    -- quarter value and a baseline (for one team: quarter - baseline), so a team without a
    -- baseline cannot shift a cohort's delta by its mere presence
    select
        scope_members.scope_type,
        scope_members.scope_name,
        team_quarter_deltas.quarter_start,
        min(team_quarter_deltas.reference_date) as reference_date,
        {{ safe_divide(
            'sum(team_quarter_deltas.lead_time_median_hours_delta * team_quarter_deltas.lead_time_weight)',
            'sum(case when team_quarter_deltas.lead_time_median_hours_delta is not null then team_quarter_deltas.lead_time_weight end)'
        ) }} as lead_time_median_hours_delta,
        {{ safe_divide(
            'sum(team_quarter_deltas.deploy_days_per_week_delta * team_quarter_deltas.deploy_days_weight)',
            'sum(case when team_quarter_deltas.deploy_days_per_week_delta is not null then team_quarter_deltas.deploy_days_weight end)'
        ) }} as deploy_days_per_week_delta,
        {{ safe_divide(
            'sum(team_quarter_deltas.change_failure_rate_delta * team_quarter_deltas.change_failure_rate_weight)',
            'sum(case when team_quarter_deltas.change_failure_rate_delta is not null then team_quarter_deltas.change_failure_rate_weight end)'
        ) }} as change_failure_rate_delta,
        {{ safe_divide(
            'sum(team_quarter_deltas.rework_rate_delta * team_quarter_deltas.rework_rate_weight)',
            'sum(case when team_quarter_deltas.rework_rate_delta is not null then team_quarter_deltas.rework_rate_weight end)'
        ) }} as rework_rate_delta,
        {{ safe_divide(
            'sum(team_quarter_deltas.cycle_time_median_hours_delta * team_quarter_deltas.cycle_time_weight)',
            'sum(case when team_quarter_deltas.cycle_time_median_hours_delta is not null then team_quarter_deltas.cycle_time_weight end)'
        ) }} as cycle_time_median_hours_delta,
        {{ safe_divide(
            'sum(team_quarter_deltas.pr_throughput_per_engineer_week_delta * team_quarter_deltas.throughput_weight)',
            'sum(case when team_quarter_deltas.pr_throughput_per_engineer_week_delta is not null then team_quarter_deltas.throughput_weight end)'
        ) }} as pr_throughput_per_engineer_week_delta
    from team_quarter_deltas
    inner join scope_members on team_quarter_deltas.team_name = scope_members.team_name
    group by 1, 2, 3
),

---------- layer 1: adoption and hours saved

adoption as (
    select
        scope_members.scope_type,
        scope_members.scope_name,
        cast({{ dbt.date_trunc('quarter', 'adoption_weekly.week_start') }} as date) as quarter_start,
        sum(adoption_weekly.suggestions_shown) as suggestions_shown,
        sum(adoption_weekly.suggestions_accepted) as suggestions_accepted,
        sum(adoption_weekly.merged_pull_requests) as merged_pull_requests,
        sum(adoption_weekly.ai_assisted_merged_pull_requests) as ai_assisted_merged_pull_requests,
        -- the responses behind a published weekly score only (privacy-suppressed weeks have none)
        sum(case when adoption_weekly.ai_trust_score is not null then adoption_weekly.ai_trust_responses end)
            as ai_trust_responses,
        sum(adoption_weekly.ai_trust_score * adoption_weekly.ai_trust_responses) as ai_trust_score_total,
        max(adoption_weekly.week_start) as last_week_start
    from adoption_weekly
    inner join scope_members on adoption_weekly.team_name = scope_members.team_name
    group by 1, 2, 3
),

last_week_seats as (
    select
        adoption.scope_type,
        adoption.scope_name,
        adoption.quarter_start,
        sum(adoption_weekly.seats_assigned) as seats_assigned,
        -- unknown for the scope while any of its teams' activity is unknown
        case
            when count(adoption_weekly.seats_active_30d) = count(*) then sum(adoption_weekly.seats_active_30d)
        end as seats_active_30d,
        case
            when count(adoption_weekly.weekly_active_seats) = count(*) then sum(adoption_weekly.weekly_active_seats)
        end as weekly_active_seats,
        -- a team's own stage; only meaningful for scope_type 'team'
        min(adoption_weekly.adoption_stage) as team_adoption_stage
    from adoption
    inner join scope_members
        on adoption.scope_type = scope_members.scope_type
        and adoption.scope_name = scope_members.scope_name
    inner join adoption_weekly
        on scope_members.team_name = adoption_weekly.team_name
        and adoption.last_week_start = adoption_weekly.week_start
    group by 1, 2, 3
),

hours_saved as (
    select
        scope_members.scope_type,
        scope_members.scope_name,
        cast({{ dbt.date_trunc('quarter', 'hours_saved_monthly.month_start') }} as date) as quarter_start,
        sum(hours_saved_monthly.measured_hours_saved) as hours_saved_measured,
        sum(hours_saved_monthly.measured_control_adjusted_hours_saved) as hours_saved_measured_control_adjusted,
        sum(hours_saved_monthly.telemetry_modelled_hours_saved) as hours_saved_telemetry_modelled,
        sum(hours_saved_monthly.self_reported_hours_saved) as hours_saved_self_reported,
        sum(hours_saved_monthly.hours_saved) as hours_saved
    from hours_saved_monthly
    inner join scope_members on hours_saved_monthly.team_name = scope_members.team_name
    group by 1, 2, 3
),

leakage as (
    select
        scope_members.scope_type,
        scope_members.scope_name,
        cast({{ dbt.date_trunc('quarter', 'leakage_monthly.month_start') }} as date) as quarter_start,
        sum(leakage_monthly.leakage_hours) as leakage_hours,
        sum(case when leakage_monthly.leakage_hours is not null then leakage_monthly.hours_saved end) as leakage_hours_saved
    from leakage_monthly
    inner join scope_members on leakage_monthly.team_name = scope_members.team_name
    group by 1, 2, 3
),

---------- layer 3: cost and value

money as (
    select
        scope_members.scope_type,
        scope_members.scope_name,
        cast({{ dbt.date_trunc('quarter', 'net_productivity_team_monthly.month_start') }} as date) as quarter_start,
        sum(net_productivity_team_monthly.value_of_hours_saved_usd) as value_of_hours_saved_usd,
        sum(net_productivity_team_monthly.ai_total_cost_usd) as ai_total_cost_usd,
        sum(net_productivity_team_monthly.net_productivity_gain_usd) as net_productivity_gain_usd
    from net_productivity_team_monthly
    inner join scope_members on net_productivity_team_monthly.team_name = scope_members.team_name
    where scope_members.scope_type != 'org'
    group by 1, 2, 3
    union all
    select
        'org' as scope_type,
        'all' as scope_name,
        cast({{ dbt.date_trunc('quarter', 'month_start') }} as date) as quarter_start,
        sum(value_of_hours_saved_usd) as value_of_hours_saved_usd,
        sum(ai_total_cost_usd) as ai_total_cost_usd,
        sum(net_productivity_gain_usd) as net_productivity_gain_usd
    from net_productivity_org_monthly
    group by 1, 2, 3
),

---------- together

joined as (
    select
        spine.scope_type,
        spine.scope_name,
        spine.cohort,
        spine.teams_in_scope,
        spine.quarter_start,
        spine.quarter_end_date,
        spine.observed_days,
        spine.is_complete_quarter,
        coalesce(headcount.rostered_members, 0) as rostered_members,
        {{ is_small_cell('headcount.rostered_members') }} as is_suppressed,
        coalesce(headcount.engineer_weeks, 0) as engineer_weeks,
        -- adoption
        last_week_seats.seats_assigned,
        last_week_seats.seats_active_30d,
        last_week_seats.weekly_active_seats,
        {{ safe_divide('last_week_seats.seats_active_30d', 'last_week_seats.seats_assigned') }} as seat_utilisation,
        case
            when spine.scope_type = 'team' then last_week_seats.team_adoption_stage
            when last_week_seats.seats_assigned = 0 then 'none'
            when last_week_seats.weekly_active_seats is null then null
            when {{ safe_divide('last_week_seats.weekly_active_seats', 'last_week_seats.seats_assigned') }}
                < {{ var('adoption_stage_trial_min') }} then 'none'
            when {{ safe_divide('last_week_seats.weekly_active_seats', 'last_week_seats.seats_assigned') }}
                < {{ var('adoption_stage_regular_min') }} then 'trial'
            when {{ safe_divide('last_week_seats.weekly_active_seats', 'last_week_seats.seats_assigned') }}
                < {{ var('adoption_stage_habitual_min') }} then 'regular'
            else 'habitual'
        end as adoption_stage,
        adoption.suggestions_shown,
        adoption.suggestions_accepted,
        {{ safe_divide('adoption.suggestions_accepted', 'adoption.suggestions_shown') }} as acceptance_rate,
        adoption.ai_assisted_merged_pull_requests,
        {{ safe_divide('adoption.ai_assisted_merged_pull_requests', 'adoption.merged_pull_requests') }} as ai_assisted_pr_share,
        coalesce(adoption.ai_trust_responses, 0) as ai_trust_responses,
        {{ safe_divide('adoption.ai_trust_score_total', 'adoption.ai_trust_responses') }} as ai_trust_score_mean,
        -- hours saved
        hours_saved.hours_saved_measured,
        hours_saved.hours_saved_measured_control_adjusted,
        hours_saved.hours_saved_telemetry_modelled,
        hours_saved.hours_saved_self_reported,
        hours_saved.hours_saved,
        leakage.leakage_hours,
        {{ safe_divide('leakage.leakage_hours', 'leakage.leakage_hours_saved') }} as leakage_share_of_hours_saved,
        -- throughput and quality
        coalesce(flow.merged_pull_requests, 0) as merged_pull_requests,
        coalesce(lead_time.deployed_pull_requests, 0) as deployed_pull_requests,
        coalesce(delivery.production_deployments, 0) as production_deployments,
        coalesce(delivery.successful_deployments, 0) as successful_deployments,
        coalesce(delivery.failed_deployments, 0) as failed_deployments,
        coalesce(delivery.rework_deployments, 0) as rework_deployments,
        lead_time.lead_time_median_hours,
        delivery.deploy_days_per_week,
        {{ safe_divide('delivery.failed_deployments', 'delivery.production_deployments') }} as change_failure_rate,
        {{ safe_divide('delivery.rework_deployments', 'delivery.successful_deployments') }} as rework_rate,
        flow.cycle_time_median_hours,
        {{ safe_divide('flow.merged_pull_requests', 'headcount.engineer_weeks') }} as pr_throughput_per_engineer_week,
        -- baseline
        coalesce(baseline.is_verifiable, false) as is_verifiable,
        baseline.lead_time_median_hours as baseline_lead_time_median_hours,
        baseline.deploy_days_per_week as baseline_deploy_days_per_week,
        baseline.change_failure_rate as baseline_change_failure_rate,
        baseline.rework_rate as baseline_rework_rate,
        baseline.cycle_time_median_hours as baseline_cycle_time_median_hours,
        baseline.pr_throughput_per_engineer_week as baseline_pr_throughput_per_engineer_week,
        -- cost and value
        money.ai_total_cost_usd,
        money.value_of_hours_saved_usd,
        money.net_productivity_gain_usd,
        -- 90% intervals
        headline_intervals.hours_saved_lower_90,
        headline_intervals.hours_saved_upper_90,
        headline_intervals.value_of_hours_saved_usd_lower_90,
        headline_intervals.value_of_hours_saved_usd_upper_90,
        headline_intervals.net_productivity_gain_usd_lower_90,
        headline_intervals.net_productivity_gain_usd_upper_90,
        headline_intervals.roi_lower_90,
        headline_intervals.roi_upper_90
    from spine
    left join headcount
        on spine.scope_type = headcount.scope_type and spine.scope_name = headcount.scope_name
        and spine.quarter_start = headcount.quarter_start
    left join last_week_seats
        on spine.scope_type = last_week_seats.scope_type and spine.scope_name = last_week_seats.scope_name
        and spine.quarter_start = last_week_seats.quarter_start
    left join adoption
        on spine.scope_type = adoption.scope_type and spine.scope_name = adoption.scope_name
        and spine.quarter_start = adoption.quarter_start
    left join hours_saved
        on spine.scope_type = hours_saved.scope_type and spine.scope_name = hours_saved.scope_name
        and spine.quarter_start = hours_saved.quarter_start
    left join leakage
        on spine.scope_type = leakage.scope_type and spine.scope_name = leakage.scope_name
        and spine.quarter_start = leakage.quarter_start
    left join flow
        on spine.scope_type = flow.scope_type and spine.scope_name = flow.scope_name
        and spine.quarter_start = flow.quarter_start
    left join lead_time
        on spine.scope_type = lead_time.scope_type and spine.scope_name = lead_time.scope_name
        and spine.quarter_start = lead_time.quarter_start
    left join delivery
        on spine.scope_type = delivery.scope_type and spine.scope_name = delivery.scope_name
        and spine.quarter_start = delivery.quarter_start
    left join baseline
        on spine.scope_type = baseline.scope_type and spine.scope_name = baseline.scope_name
    left join money
        on spine.scope_type = money.scope_type and spine.scope_name = money.scope_name
        and spine.quarter_start = money.quarter_start
    left join headline_intervals
        on spine.scope_type = headline_intervals.scope_type and spine.scope_name = headline_intervals.scope_name
        and spine.quarter_start = headline_intervals.period_start
),

deltas as (
    select
        joined.*,
        scope_deltas.reference_date,
        {%- for delta, weight in weighted_deltas %}
            scope_deltas.{{ delta }},
        {%- endfor %}
        {{ safe_divide('joined.net_productivity_gain_usd', 'joined.ai_total_cost_usd') }} as roi
    from joined
    left join scope_deltas
        on joined.scope_type = scope_deltas.scope_type and joined.scope_name = scope_deltas.scope_name
        and joined.quarter_start = scope_deltas.quarter_start
),

control_deltas as (
    select
        quarter_start,
        change_failure_rate_delta as control_change_failure_rate_delta,
        rework_rate_delta as control_rework_rate_delta
    from deltas
    where scope_type = 'cohort' and scope_name = 'control'
),

compared as (
    -- the difference-in-differences direction: the treatment scope's change on its baseline
    -- minus the control cohort's change over the same quarter
    select
        deltas.*,
        case
            when deltas.cohort = 'treatment'
                then deltas.change_failure_rate_delta - control_deltas.control_change_failure_rate_delta
        end as change_failure_rate_delta_vs_control,
        case
            when deltas.cohort = 'treatment'
                then deltas.rework_rate_delta - control_deltas.control_rework_rate_delta
        end as rework_rate_delta_vs_control
    from deltas
    left join control_deltas on deltas.quarter_start = control_deltas.quarter_start
),

flagged as (
    select
        *,
        not is_suppressed and not {{ is_small_cell('ai_trust_responses') }} and coalesce(ai_trust_score_mean < 3, false)
            as flag_low_trust,
        not is_suppressed and coalesce(seat_utilisation < 0.5, false) as flag_idle_seats,
        coalesce(quarter_end_date >= reference_date, false)
        and (
            coalesce(
                change_failure_rate_delta > {{ regression_threshold }}
                and coalesce(change_failure_rate_delta_vs_control > 0, true),
                false
            )
            or coalesce(
                rework_rate_delta > {{ regression_threshold }}
                and coalesce(rework_rate_delta_vs_control > 0, true),
                false
            )
        ) as flag_quality_regression,
        not is_suppressed and coalesce(leakage_share_of_hours_saved > 0.5, false) as flag_leakage_over_half
    from compared
),


final as (
    select
        ---------- grain
        cast(scope_type as {{ dbt.type_string() }}) as scope_type,
        cast(scope_name as {{ dbt.type_string() }}) as scope_name,
        cast(quarter_start as date) as quarter_start,
        cast(quarter_end_date as date) as quarter_end_date,
        cast(cohort as {{ dbt.type_string() }}) as cohort,
        cast(teams_in_scope as {{ dbt.type_bigint() }}) as teams_in_scope,
        cast(observed_days as {{ dbt.type_bigint() }}) as observed_days,
        cast(is_complete_quarter as boolean) as is_complete_quarter,
        cast(rostered_members as {{ dbt.type_bigint() }}) as rostered_members,
        cast(is_suppressed as boolean) as is_suppressed,
        cast(is_verifiable as boolean) as is_verifiable,

        ---------- layer 1: adoption
        cast({{ suppress_small_cell('seats_assigned', 'rostered_members') }} as {{ dbt.type_bigint() }}) as seats_assigned,
        cast({{ suppress_small_cell('seats_active_30d', 'rostered_members') }} as {{ dbt.type_bigint() }}) as seats_active_30d,
        cast({{ suppress_small_cell('seat_utilisation', 'rostered_members') }} as {{ type_double() }}) as seat_utilisation,
        cast({{ suppress_small_cell('adoption_stage', 'rostered_members') }} as {{ dbt.type_string() }}) as adoption_stage,
        cast({{ suppress_small_cell('suggestions_shown', 'rostered_members') }} as {{ dbt.type_bigint() }}) as suggestions_shown,
        cast({{ suppress_small_cell('suggestions_accepted', 'rostered_members') }} as {{ dbt.type_bigint() }}) as suggestions_accepted,
        cast({{ suppress_small_cell('acceptance_rate', 'rostered_members') }} as {{ type_double() }}) as acceptance_rate,
        cast({{ suppress_small_cell('ai_assisted_merged_pull_requests', 'rostered_members') }} as {{ dbt.type_bigint() }})
            as ai_assisted_merged_pull_requests,
        cast({{ suppress_small_cell('ai_assisted_pr_share', 'rostered_members') }} as {{ type_double() }}) as ai_assisted_pr_share,
        cast(ai_trust_responses as {{ dbt.type_bigint() }}) as ai_trust_responses,
        cast({{ suppress_small_cell('ai_trust_score_mean', 'ai_trust_responses') }} as {{ type_double() }}) as ai_trust_score_mean,

        ---------- layer 1: hours saved
        cast('{{ var("hours_saved_method") }}' as {{ dbt.type_string() }}) as hours_saved_method,
        {%- for column in ['hours_saved', 'hours_saved_measured', 'hours_saved_measured_control_adjusted',
            'hours_saved_telemetry_modelled', 'hours_saved_self_reported', 'leakage_hours', 'leakage_share_of_hours_saved'] %}
            cast({{ suppress_small_cell(column, 'rostered_members') }} as {{ type_double() }}) as {{ column }},
        {%- endfor %}

        ---------- layer 2: throughput and quality vs baseline
        cast({{ suppress_small_cell('merged_pull_requests', 'rostered_members') }} as {{ dbt.type_bigint() }}) as merged_pull_requests,
        cast(deployed_pull_requests as {{ dbt.type_bigint() }}) as deployed_pull_requests,
        cast(engineer_weeks as {{ dbt.type_bigint() }}) as engineer_weeks,
        cast(production_deployments as {{ dbt.type_bigint() }}) as production_deployments,
        cast(successful_deployments as {{ dbt.type_bigint() }}) as successful_deployments,
        cast(failed_deployments as {{ dbt.type_bigint() }}) as failed_deployments,
        cast(rework_deployments as {{ dbt.type_bigint() }}) as rework_deployments,
        {%- for column in ['lead_time_median_hours', 'deploy_days_per_week', 'change_failure_rate', 'rework_rate'] %}
            cast({{ column }} as {{ type_double() }}) as {{ column }},
            cast(baseline_{{ column }} as {{ type_double() }}) as baseline_{{ column }},
            cast({{ column }}_delta as {{ type_double() }}) as {{ column }}_delta,
        {%- endfor %}
        {%- for column in ['cycle_time_median_hours', 'pr_throughput_per_engineer_week'] %}
            cast({{ suppress_small_cell(column, 'rostered_members') }} as {{ type_double() }}) as {{ column }},
            cast({{ suppress_small_cell('baseline_' ~ column, 'rostered_members') }} as {{ type_double() }}) as baseline_{{ column }},
            cast({{ suppress_small_cell(column ~ '_delta', 'rostered_members') }} as {{ type_double() }}) as {{ column }}_delta,
        {%- endfor %}
        cast(change_failure_rate_delta_vs_control as {{ type_double() }}) as change_failure_rate_delta_vs_control,
        cast(rework_rate_delta_vs_control as {{ type_double() }}) as rework_rate_delta_vs_control,

        ---------- layer 3: cost and value
        cast(ai_total_cost_usd as decimal(18, 2)) as ai_total_cost_usd,
        cast({{ suppress_small_cell('value_of_hours_saved_usd', 'rostered_members') }} as decimal(18, 2)) as value_of_hours_saved_usd,
        cast({{ suppress_small_cell('net_productivity_gain_usd', 'rostered_members') }} as decimal(18, 2)) as net_productivity_gain_usd,
        cast({{ suppress_small_cell('roi', 'rostered_members') }} as {{ type_double() }}) as roi,
        {%- for column in ['hours_saved', 'roi'] %}
            {%- for bound in ['lower_90', 'upper_90'] %}
                cast({{ suppress_small_cell(column ~ '_' ~ bound, 'rostered_members') }} as {{ type_double() }})
                    as {{ column }}_{{ bound }},
            {%- endfor %}
        {%- endfor %}
        {%- for column in ['value_of_hours_saved_usd', 'net_productivity_gain_usd'] %}
            {%- for bound in ['lower_90', 'upper_90'] %}
                cast({{ suppress_small_cell(column ~ '_' ~ bound, 'rostered_members') }} as decimal(18, 2))
                    as {{ column }}_{{ bound }},
            {%- endfor %}
        {%- endfor %}

        ---------- flags
        cast(flag_low_trust as boolean) as flag_low_trust,
        cast(flag_idle_seats as boolean) as flag_idle_seats,
        cast(flag_quality_regression as boolean) as flag_quality_regression,
        cast(flag_leakage_over_half as boolean) as flag_leakage_over_half
    from flagged
)

select * from final
