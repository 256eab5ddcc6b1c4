{#-
    docs/metrics.md, "Net gain waterfall": value of hours saved - AI total cost = net gain;
    - the control-adjusted cost of a quality regression (floored at 0 unless the user opts
    in) = quality-adjusted net gain; then the realised part, netted only where leakage is
    measured reliably.

    One row per scope (team, cohort treatment/control, org 'all') and period (month, quarter,
    total), the grain of fct_headline_intervals, whose figures are the first two steps:
    1. value_of_hours_saved_usd - ai_total_cost_usd = net_productivity_gain_usd (as published).
    2. - quality_regression_cost_usd = quality_adjusted_net_gain_usd. Per treatment team and
       period, over its weeks from the rollout week on (fct_delivery_team_weekly; a week
       belongs to the month and quarter of its Monday):
       - expected change failure rate = the team's Day-Zero rate (fct_team_baselines) + the
         control teams' change over the same windows (their pooled rate in the period's weeks
         - their pooled rate in the team's baseline window); extra_failed_deployments =
         failed - production deployments x that rate;
       - failure cost = extra failed deployments x restore_effort_hours (median time to
         restore of the team's incidents linked to a deployment, int_incidents_joined_to_deployments,
         x var('incident_responders')) x the team's mean loaded hourly cost over those days;
       - rework the same way: expected rework rate = Day-Zero rework rate + the control
         change; extra rework deployments x the median hours from a rework PR's first commit
         to its merge (the team's merged rework PRs, int_pull_requests_enriched) x loaded cost;
       - each part is floored at 0 per team and period: an improvement is not credited unless
         var('credit_quality_improvement') is true. Without control teams the control change
         is 0 (is_control_adjusted false). Cohorts and the organisation sum their teams'
         floored costs (one team's improvement never offsets another's regression).
       - 90% intervals: extra deployments +/- 1.645 standard errors, the variance = the
         period's count's binomial variance + deployments^2 x the sampling variances of the
         Day-Zero rate and the control cohort's two rates, each p(1 - p) / its deployments at
         the pooled rate of the two windows compared (the team's Day-Zero window, whose
         counts are fct_team_baselines' failed, successful, rework and production
         deployments, the same frozen rows as its rates, and the period's weeks; the
         control's Day-Zero and period weeks likewise), so a window that is low by chance
         does not also claim a small variance. The cost's bounds carry the effort's
         uncertainty too: each effort median has a distribution-free 90% interval (order
         statistics, macro median_with_interval_90), read as a standard error (its width /
         3.29), and the cost = extra x effort x rate has the variance of a product of two
         independent estimates, rate^2 x (effort^2 var(extra) + extra^2 se^2 + var(extra) se^2);
         cost -/+ 1.645 of its square root, floored like the estimate. Under 5 incidents (or
         rework PRs) the effort's interval is their observed range, which holds the median less
         than 90% of the time (4: 87.5%, 2: 50%, 1: not at all), so there the bounds are narrower
         than stated;
         cohorts and the organisation sum their teams' bounds (conservative: the control
         change is shared). quality_adjusted_net_gain bounds combine the net gain's interval
         (tasks) and the cost's (deployments, incidents, rework PRs), different data, in
         quadrature, each side apart.
    3. realised_*: the part of the hours saved that became delivered work, from the one
       definition of leakage (int_leakage_team, docs/metrics.md "Leakage": the control-adjusted
       fall in the share of focus hours spent on finished work over the team's impact phase,
       with a delta-method 90% interval). Netted only where its leakage_status is 'measured'
       (at least var('leakage_min_weeks') weeks in both windows, half-width within
       var('leakage_max_interval_half_width')); otherwise the status says why and realised_*
       are null: a noisy leakage is not netted. The measured rate clamped to [0, 1]
       (realised_share) is applied to every period's hours and value. realised_net_gain_usd =
       realised value - AI cost - quality cost. A cohort or the organisation is measured only
       when every team with hours saved in the period is. Its 90% interval: the value's
       half-width x the realised share, the rate's (value x its half-width; cohorts add their
       teams') and the quality cost's, in quadrature.
-#}
{%- set credit_improvement = var('credit_quality_improvement') -%}
with

fct_headline_intervals as (
    select * from {{ ref('fct_headline_intervals') }}
),

fct_delivery_team_weekly as (
    select * from {{ ref('fct_delivery_team_weekly') }}
),

fct_team_baselines as (
    select * from {{ ref('fct_team_baselines') }}
),

int_leakage_team as (
    select * from {{ ref('int_leakage_team') }}
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

int_net_productivity_team_monthly as (
    select * from {{ ref('int_net_productivity_team_monthly') }}
),

int_team_loaded_rates_daily as (
    select * from {{ ref('int_team_loaded_rates_daily') }}
),

int_incidents_joined_to_deployments as (
    select * from {{ ref('int_incidents_joined_to_deployments') }}
),

int_pull_requests_enriched as (
    select * from {{ ref('int_pull_requests_enriched') }}
),

treatment_teams as (
    select
        team_name,
        rollout_date,
        baseline_start_date,
        baseline_end_date,
        impact_start_date
    from int_teams
    where cohort = 'treatment' and rollout_date is not null
),

control_weeks as (
    -- the control cohort pooled per week
    select
        week_start,
        sum(production_deployments) as production_deployments,
        sum(failed_deployments) as failed_deployments,
        sum(successful_deployments) as successful_deployments,
        sum(rework_deployments) as rework_deployments,
        sum(merged_pull_requests) as merged_pull_requests,
        sum(engineer_weeks) as engineer_weeks
    from fct_delivery_team_weekly
    where cohort = 'control'
    group by week_start
),

control_team_count as (
    select count(distinct team_name) as control_teams
    from fct_delivery_team_weekly
    where cohort = 'control'
),

control_baselines as (
    -- the control cohort over each treatment team's baseline window
    select
        treatment_teams.team_name,
        {{ safe_divide('sum(control_weeks.failed_deployments)', 'sum(control_weeks.production_deployments)') }}
            as control_baseline_change_failure_rate,
        {{ safe_divide('sum(control_weeks.rework_deployments)', 'sum(control_weeks.successful_deployments)') }}
            as control_baseline_rework_rate,
        sum(control_weeks.production_deployments) as control_baseline_production_deployments,
        sum(control_weeks.failed_deployments) as control_baseline_failed_deployments,
        sum(control_weeks.successful_deployments) as control_baseline_successful_deployments,
        sum(control_weeks.rework_deployments) as control_baseline_rework_deployments
    from treatment_teams
    inner join control_weeks
        on control_weeks.week_start >= treatment_teams.baseline_start_date
        and control_weeks.week_start < treatment_teams.baseline_end_date
    group by treatment_teams.team_name
),

---------- step 2: quality, per treatment team and period

treated_weeks as (
    select
        fct_delivery_team_weekly.team_name,
        fct_delivery_team_weekly.week_start,
        {{ month_start('fct_delivery_team_weekly.week_start') }} as month_start,
        fct_delivery_team_weekly.production_deployments,
        fct_delivery_team_weekly.failed_deployments,
        fct_delivery_team_weekly.successful_deployments,
        fct_delivery_team_weekly.rework_deployments,
        control_weeks.production_deployments as control_production_deployments,
        control_weeks.failed_deployments as control_failed_deployments,
        control_weeks.successful_deployments as control_successful_deployments,
        control_weeks.rework_deployments as control_rework_deployments
    from fct_delivery_team_weekly
    inner join treatment_teams
        on fct_delivery_team_weekly.team_name = treatment_teams.team_name
        and fct_delivery_team_weekly.week_start >= {{ dbt.date_trunc('week', 'treatment_teams.rollout_date') }}
    left join control_weeks on fct_delivery_team_weekly.week_start = control_weeks.week_start
),

first_month as (
    select min(period_start) as first_month_start
    from fct_headline_intervals
    where period_type = 'month'
),

week_periods as (
    -- every week belongs to three periods: its Monday's month, its quarter and the total
    select
        treated_weeks.*,
        'month' as period_type,
        treated_weeks.month_start as period_start
    from treated_weeks
    union all
    select
        treated_weeks.*,
        'quarter' as period_type,
        cast({{ dbt.date_trunc('quarter', 'treated_weeks.month_start') }} as date) as period_start
    from treated_weeks
    union all
    select
        treated_weeks.*,
        'total' as period_type,
        first_month.first_month_start as period_start
    from treated_weeks
    cross join first_month
),

team_period_counts as (
    select
        team_name,
        period_type,
        period_start,
        min(week_start) as first_week_start,
        max(week_start) as last_week_start,
        sum(production_deployments) as production_deployments,
        sum(failed_deployments) as failed_deployments,
        sum(successful_deployments) as successful_deployments,
        sum(rework_deployments) as rework_deployments,
        {{ safe_divide('sum(control_failed_deployments)', 'sum(control_production_deployments)') }}
            as control_change_failure_rate,
        {{ safe_divide('sum(control_rework_deployments)', 'sum(control_successful_deployments)') }}
            as control_rework_rate,
        sum(control_production_deployments) as control_production_deployments,
        sum(control_failed_deployments) as control_failed_deployments,
        sum(control_successful_deployments) as control_successful_deployments,
        sum(control_rework_deployments) as control_rework_deployments
    from week_periods
    group by team_name, period_type, period_start
),

team_period_rates as (
    -- mean loaded hourly cost over the days of the period's weeks
    select
        team_period_counts.team_name,
        team_period_counts.period_type,
        team_period_counts.period_start,
        avg(int_team_loaded_rates_daily.loaded_hourly_cost_usd) as loaded_hourly_cost_usd
    from team_period_counts
    inner join int_team_loaded_rates_daily
        on team_period_counts.team_name = int_team_loaded_rates_daily.team_name
        and int_team_loaded_rates_daily.date_day >= team_period_counts.first_week_start
        and int_team_loaded_rates_daily.date_day < {{ dbt.dateadd('day', 7, 'team_period_counts.last_week_start') }}
    group by team_period_counts.team_name, team_period_counts.period_type, team_period_counts.period_start
),

restore_times as (
    -- the hours of work one restore takes: its time to restore x the responders
    select
        team_name,
        time_to_restore_hours * {{ var('incident_responders') }} as restore_hours
    from int_incidents_joined_to_deployments
    where deployment_id is not null and time_to_restore_hours is not null
),

restore_effort as (
    -- the median per team with its distribution-free 90% interval (order statistics)
    {{ median_with_interval_90('restore_times', 'team_name', 'restore_hours') }}
),

rework_times as (
    -- hours from a rework PR's first commit (or opening) to its merge, per owner team
    -- (seconds, as every duration: minute boundaries are counted differently per engine)
    select
        owner_team_name as team_name,
        {{ hours_between('coalesce(first_commit_authored_at, created_at)', 'merged_at') }} as rework_hours
    from int_pull_requests_enriched
    where is_rework and is_merged and merged_at is not null
),

rework_effort as (
    {{ median_with_interval_90('rework_times', 'team_name', 'rework_hours') }}
),

team_quality as (
    select
        team_period_counts.*,
        control_team_count.control_teams > 0 as is_control_adjusted,
        fct_team_baselines.change_failure_rate as baseline_change_failure_rate,
        fct_team_baselines.rework_rate as baseline_rework_rate,
        case
            when control_team_count.control_teams > 0
                then team_period_counts.control_change_failure_rate - control_baselines.control_baseline_change_failure_rate
            else 0
        end as control_change_failure_rate_change,
        case
            when control_team_count.control_teams > 0
                then team_period_counts.control_rework_rate - control_baselines.control_baseline_rework_rate
            else 0
        end as control_rework_rate_change,
        -- the variance of extra = observed - deployments x expected rate, each rate's sampling
        -- variance p(1 - p) / its deployments at the pooled rate of its two windows (the
        -- team's Day-Zero and period deployments together; the control cohort's likewise), not
        -- at each window's own rate, which is most often low exactly when it is low by chance:
        -- the period's count n p(1 - p), + n^2 x (Day-Zero rate's + the control's two rates')
        {%- for extra, events, trials in [
            ('extra_failed_deployments', 'failed_deployments', 'production_deployments'),
            ('extra_rework_deployments', 'rework_deployments', 'successful_deployments'),
        ] %}
            {%- set team_rate = safe_divide(
                'team_period_counts.' ~ events ~ ' + fct_team_baselines.' ~ events,
                'team_period_counts.' ~ trials ~ ' + fct_team_baselines.' ~ trials) %}
            {%- set control_rate = safe_divide(
                'team_period_counts.control_' ~ events ~ ' + control_baselines.control_baseline_' ~ events,
                'team_period_counts.control_' ~ trials ~ ' + control_baselines.control_baseline_' ~ trials) %}
            {{ team_rate }} * (1 - {{ team_rate }}) * (
                team_period_counts.{{ trials }}
                + team_period_counts.{{ trials }} * team_period_counts.{{ trials }}
                / nullif(fct_team_baselines.{{ trials }}, 0)
            )
            + case
                when control_team_count.control_teams > 0
                    then
                        {{ control_rate }} * (1 - {{ control_rate }})
                        * team_period_counts.{{ trials }} * team_period_counts.{{ trials }}
                        * (
                            1.0 / nullif(team_period_counts.control_{{ trials }}, 0)
                            + 1.0 / nullif(control_baselines.control_baseline_{{ trials }}, 0)
                        )
                else 0
            end as {{ extra }}_variance,
        {%- endfor %}
        restore_effort.median_value as restore_effort_hours,
        -- a median's standard error from its 90% interval's width: (upper - lower) / (2 x 1.645)
        (restore_effort.median_upper_90 - restore_effort.median_lower_90) / 3.29 as restore_effort_hours_se,
        rework_effort.median_value as rework_effort_hours_per_deployment,
        (rework_effort.median_upper_90 - rework_effort.median_lower_90) / 3.29 as rework_effort_hours_se,
        team_period_rates.loaded_hourly_cost_usd
    from team_period_counts
    cross join control_team_count
    left join fct_team_baselines on team_period_counts.team_name = fct_team_baselines.team_name
    left join control_baselines on team_period_counts.team_name = control_baselines.team_name
    left join restore_effort on team_period_counts.team_name = restore_effort.team_name
    left join rework_effort on team_period_counts.team_name = rework_effort.team_name
    left join team_period_rates
        on team_period_counts.team_name = team_period_rates.team_name
        and team_period_counts.period_type = team_period_rates.period_type
        and team_period_counts.period_start = team_period_rates.period_start
),

team_extra as (
    select
        *,
        failed_deployments
        - production_deployments * (baseline_change_failure_rate + control_change_failure_rate_change)
            as extra_failed_deployments,
        rework_deployments
        - successful_deployments * (baseline_rework_rate + control_rework_rate_change)
            as extra_rework_deployments
    from team_quality
),

team_extra_bounds as (
    -- 90% normal-approximation bounds of the extra counts (their variance: team_quality)
    select
        *,
        extra_failed_deployments - 1.645 * sqrt(extra_failed_deployments_variance) as extra_failed_deployments_lower_90,
        extra_failed_deployments + 1.645 * sqrt(extra_failed_deployments_variance) as extra_failed_deployments_upper_90,
        extra_rework_deployments - 1.645 * sqrt(extra_rework_deployments_variance) as extra_rework_deployments_lower_90,
        extra_rework_deployments + 1.645 * sqrt(extra_rework_deployments_variance) as extra_rework_deployments_upper_90
    from team_extra
),

team_cost_half_widths as (
    -- cost = extra deployments x effort per deployment x loaded rate; its 90% half-width =
    -- 1.645 x its standard error, the variance of a product of two independent estimates (the
    -- counts and the effort median come from different rows): rate^2 x (effort^2 x
    -- var(extra) + extra^2 x se(effort)^2 + var(extra) x se(effort)^2)
    select
        *,
        1.645 * loaded_hourly_cost_usd * sqrt(
            restore_effort_hours * restore_effort_hours * extra_failed_deployments_variance
            + extra_failed_deployments * extra_failed_deployments * restore_effort_hours_se * restore_effort_hours_se
            + extra_failed_deployments_variance * restore_effort_hours_se * restore_effort_hours_se
        ) as failure_cost_half_width_usd,
        1.645 * loaded_hourly_cost_usd * sqrt(
            rework_effort_hours_per_deployment * rework_effort_hours_per_deployment * extra_rework_deployments_variance
            + extra_rework_deployments * extra_rework_deployments * rework_effort_hours_se * rework_effort_hours_se
            + extra_rework_deployments_variance * rework_effort_hours_se * rework_effort_hours_se
        ) as rework_cost_half_width_usd
    from team_extra_bounds
),

team_costs as (
    select
        *,
        extra_failed_deployments * restore_effort_hours * loaded_hourly_cost_usd as failure_cost_signed_usd,
        extra_rework_deployments * rework_effort_hours_per_deployment * loaded_hourly_cost_usd
            as rework_cost_signed_usd,
        extra_failed_deployments * restore_effort_hours * loaded_hourly_cost_usd - failure_cost_half_width_usd
            as failure_cost_signed_usd_lower_90,
        extra_failed_deployments * restore_effort_hours * loaded_hourly_cost_usd + failure_cost_half_width_usd
            as failure_cost_signed_usd_upper_90,
        extra_rework_deployments * rework_effort_hours_per_deployment * loaded_hourly_cost_usd - rework_cost_half_width_usd
            as rework_cost_signed_usd_lower_90,
        extra_rework_deployments * rework_effort_hours_per_deployment * loaded_hourly_cost_usd + rework_cost_half_width_usd
            as rework_cost_signed_usd_upper_90
    from team_cost_half_widths
),

team_quality_costs as (
    select
        *,
        -- a cost that cannot be computed (no Day-Zero rate, no restore effort) counts 0, and so
        -- do its bounds; a known cost whose variance is unknown has null bounds
        {{ quality_cost('failure_cost_signed_usd', '') }} as failure_cost_usd,
        {{ quality_cost('failure_cost_signed_usd', '_lower_90') }} as failure_cost_usd_lower_90,
        {{ quality_cost('failure_cost_signed_usd', '_upper_90') }} as failure_cost_usd_upper_90,
        {{ quality_cost('rework_cost_signed_usd', '') }} as rework_cost_usd,
        {{ quality_cost('rework_cost_signed_usd', '_lower_90') }} as rework_cost_usd_lower_90,
        {{ quality_cost('rework_cost_signed_usd', '_upper_90') }} as rework_cost_usd_upper_90
    from team_costs
),

---------- step 3: leakage, per treatment team over its impact phase (int_leakage_team)

team_leakage as (
    select
        team_name,
        leakage_status,
        reinvestment_rate,
        reinvestment_rate_half_width_90,
        realised_share
    from int_leakage_team
),

---------- per team and period, then cohorts and the organisation

team_points as (
    -- a team's hours saved and value over each period before the privacy rule
    -- (int_net_productivity_team_monthly, as fct_headline_intervals sums it for the team): the
    -- cohort and organisation sums below must not lose a team whose own cells are suppressed;
    -- the periods are the intervals'
    select
        periods.scope_name as team_name,
        periods.period_type,
        periods.period_start,
        sum(int_net_productivity_team_monthly.hours_saved) as hours_saved,
        sum(int_net_productivity_team_monthly.value_of_hours_saved_usd) as value_of_hours_saved_usd
    from fct_headline_intervals as periods
    inner join int_net_productivity_team_monthly
        on periods.scope_name = int_net_productivity_team_monthly.team_name
        and int_net_productivity_team_monthly.month_start between periods.period_start and periods.period_end
    where periods.scope_type = 'team'
    group by periods.scope_name, periods.period_type, periods.period_start
),

team_rows as (
    select
        fct_headline_intervals.scope_name as team_name,
        int_teams.cohort,
        fct_headline_intervals.period_type,
        fct_headline_intervals.period_start,
        team_points.hours_saved,
        team_points.value_of_hours_saved_usd,
        team_quality_costs.production_deployments,
        team_quality_costs.failed_deployments,
        team_quality_costs.extra_failed_deployments,
        team_quality_costs.extra_failed_deployments_lower_90,
        team_quality_costs.extra_failed_deployments_upper_90,
        team_quality_costs.extra_rework_deployments,
        team_quality_costs.failure_cost_usd,
        team_quality_costs.rework_cost_usd,
        -- no quality row (a control team, a period before the rollout): cost 0, bounds 0
        case
            when team_quality_costs.team_name is null then 0
            else team_quality_costs.failure_cost_usd_lower_90 + team_quality_costs.rework_cost_usd_lower_90
        end as quality_regression_cost_usd_lower_90,
        case
            when team_quality_costs.team_name is null then 0
            else team_quality_costs.failure_cost_usd_upper_90 + team_quality_costs.rework_cost_usd_upper_90
        end as quality_regression_cost_usd_upper_90,
        team_leakage.leakage_status,
        team_leakage.reinvestment_rate,
        team_leakage.reinvestment_rate_half_width_90,
        team_leakage.realised_share
    from fct_headline_intervals
    left join int_teams on fct_headline_intervals.scope_name = int_teams.team_name
    left join team_points
        on fct_headline_intervals.scope_name = team_points.team_name
        and fct_headline_intervals.period_type = team_points.period_type
        and fct_headline_intervals.period_start = team_points.period_start
    left join team_quality_costs
        on fct_headline_intervals.scope_name = team_quality_costs.team_name
        and fct_headline_intervals.period_type = team_quality_costs.period_type
        and fct_headline_intervals.period_start = team_quality_costs.period_start
    left join team_leakage on fct_headline_intervals.scope_name = team_leakage.team_name
    where fct_headline_intervals.scope_type = 'team'
),

team_rows_realised as (
    select
        *,
        case
            when coalesce(hours_saved, 0) = 0 then true
            else leakage_status = 'measured'
        end as is_leakage_measured,
        case when coalesce(hours_saved, 0) = 0 then 0 else hours_saved * realised_share end as realised_hours_saved,
        case when coalesce(value_of_hours_saved_usd, 0) = 0 then 0 else value_of_hours_saved_usd * realised_share end
            as realised_value_usd,
        -- the realised value's 90% half-width from the reinvestment rate alone: value x its
        -- half-width (the value's own uncertainty is added in final)
        case
            when coalesce(value_of_hours_saved_usd, 0) = 0 then 0
            else value_of_hours_saved_usd * reinvestment_rate_half_width_90
        end as realised_value_rate_half_width_usd
    from team_rows
),

scope_quality as (
    select
        'team' as scope_type,
        team_name as scope_name,
        period_type,
        period_start,
        1 as teams,
        case when leakage_status = 'measured' or coalesce(hours_saved, 0) = 0 then 0 else 1 end as teams_leakage_not_measurable,
        production_deployments,
        failed_deployments,
        extra_failed_deployments,
        extra_failed_deployments_lower_90,
        extra_failed_deployments_upper_90,
        extra_rework_deployments,
        failure_cost_usd,
        rework_cost_usd,
        quality_regression_cost_usd_lower_90,
        quality_regression_cost_usd_upper_90,
        realised_hours_saved,
        realised_value_usd,
        realised_value_rate_half_width_usd,
        coalesce(leakage_status, 'no AI rollout') as leakage_status,
        reinvestment_rate,
        reinvestment_rate_half_width_90
    from team_rows_realised

    {%- for scope_type, scope_name, filter, group_key in [
        ('cohort', 'cohort', "cohort in ('treatment', 'control')", 'cohort, '),
        ('org', "'all'", 'true', ''),
    ] %}

        union all

        select
            '{{ scope_type }}' as scope_type,
            {{ scope_name }} as scope_name,
            period_type,
            period_start,
            count(*) as teams,
            sum(case when is_leakage_measured then 0 else 1 end) as teams_leakage_not_measurable,
            sum(production_deployments) as production_deployments,
            sum(failed_deployments) as failed_deployments,
            sum(extra_failed_deployments) as extra_failed_deployments,
            -- bounds: the sum of the teams' bounds (conservative: the control change is shared by
            -- every team), null when a team with a figure has no bound
            {%- for bound in ['lower_90', 'upper_90'] %}
                case
                    when count(extra_failed_deployments) = count(extra_failed_deployments_{{ bound }})
                        then sum(extra_failed_deployments_{{ bound }})
                end as extra_failed_deployments_{{ bound }},
            {%- endfor %}
            sum(extra_rework_deployments) as extra_rework_deployments,
            sum(failure_cost_usd) as failure_cost_usd,
            sum(rework_cost_usd) as rework_cost_usd,
            {%- for bound in ['lower_90', 'upper_90'] %}
                case
                    when count(*) = count(quality_regression_cost_usd_{{ bound }})
                        then sum(quality_regression_cost_usd_{{ bound }})
                end as quality_regression_cost_usd_{{ bound }},
            {%- endfor %}
            sum(realised_hours_saved) as realised_hours_saved,
            sum(realised_value_usd) as realised_value_usd,
            -- added, not in quadrature: every team's rate shares the control cohort's change
            sum(realised_value_rate_half_width_usd) as realised_value_rate_half_width_usd,
            null as leakage_status,
            null as reinvestment_rate,
            null as reinvestment_rate_half_width_90
        from team_rows_realised
        where {{ filter }}
        group by {{ group_key }}period_type, period_start
    {%- endfor %}
),

joined as (
    select
        fct_headline_intervals.scope_type,
        fct_headline_intervals.scope_name,
        fct_headline_intervals.period_type,
        fct_headline_intervals.period_start,
        fct_headline_intervals.period_end,
        scope_quality.teams,
        fct_headline_intervals.hours_saved_people,
        fct_headline_intervals.hours_saved,
        fct_headline_intervals.value_of_hours_saved_usd,
        fct_headline_intervals.ai_total_cost_usd,
        fct_headline_intervals.net_productivity_gain_usd,
        fct_headline_intervals.net_productivity_gain_usd_lower_90,
        fct_headline_intervals.net_productivity_gain_usd_upper_90,
        scope_quality.production_deployments,
        scope_quality.failed_deployments,
        scope_quality.extra_failed_deployments,
        scope_quality.extra_failed_deployments_lower_90,
        scope_quality.extra_failed_deployments_upper_90,
        scope_quality.extra_rework_deployments,
        coalesce(scope_quality.failure_cost_usd, 0) as failure_cost_usd,
        coalesce(scope_quality.rework_cost_usd, 0) as rework_cost_usd,
        scope_quality.quality_regression_cost_usd_lower_90,
        scope_quality.quality_regression_cost_usd_upper_90,
        scope_quality.teams_leakage_not_measurable,
        case
            when fct_headline_intervals.scope_type = 'team' then scope_quality.leakage_status
            when scope_quality.teams_leakage_not_measurable = 0 then 'measured'
            else 'not measurable for ' || cast(scope_quality.teams_leakage_not_measurable as {{ dbt.type_string() }})
                || ' of ' || cast(scope_quality.teams as {{ dbt.type_string() }}) || ' teams'
        end as leakage_status,
        scope_quality.reinvestment_rate,
        scope_quality.reinvestment_rate_half_width_90,
        scope_quality.realised_hours_saved,
        scope_quality.realised_value_usd,
        scope_quality.realised_value_rate_half_width_usd,
        fct_headline_intervals.value_of_hours_saved_usd_lower_90,
        fct_headline_intervals.value_of_hours_saved_usd_upper_90
    from fct_headline_intervals
    left join scope_quality
        on fct_headline_intervals.scope_type = scope_quality.scope_type
        and fct_headline_intervals.scope_name = scope_quality.scope_name
        and fct_headline_intervals.period_type = scope_quality.period_type
        and fct_headline_intervals.period_start = scope_quality.period_start
),

final as (
    select
        ---------- grain
        cast(scope_type as {{ dbt.type_string() }}) as scope_type,
        cast(scope_name as {{ dbt.type_string() }}) as scope_name,
        cast(period_type as {{ dbt.type_string() }}) as period_type,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(coalesce(teams, 0) as bigint) as teams,
        cast(hours_saved_people as bigint) as hours_saved_people,

        ---------- step 1: net gain as published
        cast(hours_saved as {{ type_double() }}) as hours_saved,
        cast(value_of_hours_saved_usd as decimal(18, 2)) as value_of_hours_saved_usd,
        cast(ai_total_cost_usd as decimal(18, 2)) as ai_total_cost_usd,
        cast(net_productivity_gain_usd as decimal(18, 2)) as net_productivity_gain_usd,
        cast(net_productivity_gain_usd_lower_90 as decimal(18, 2)) as net_productivity_gain_usd_lower_90,
        cast(net_productivity_gain_usd_upper_90 as decimal(18, 2)) as net_productivity_gain_usd_upper_90,

        ---------- step 2: quality
        cast(coalesce(production_deployments, 0) as bigint) as production_deployments_since_rollout,
        cast(coalesce(failed_deployments, 0) as bigint) as failed_deployments_since_rollout,
        cast(extra_failed_deployments as {{ type_double() }}) as extra_failed_deployments,
        cast(extra_failed_deployments_lower_90 as {{ type_double() }}) as extra_failed_deployments_lower_90,
        cast(extra_failed_deployments_upper_90 as {{ type_double() }}) as extra_failed_deployments_upper_90,
        cast(extra_rework_deployments as {{ type_double() }}) as extra_rework_deployments,
        cast(failure_cost_usd as decimal(18, 2)) as failure_cost_usd,
        cast(rework_cost_usd as decimal(18, 2)) as rework_cost_usd,
        cast(failure_cost_usd + rework_cost_usd as decimal(18, 2)) as quality_regression_cost_usd,
        cast(quality_regression_cost_usd_lower_90 as decimal(18, 2)) as quality_regression_cost_usd_lower_90,
        cast(quality_regression_cost_usd_upper_90 as decimal(18, 2)) as quality_regression_cost_usd_upper_90,
        {{ 'true' if credit_improvement else 'false' }} as is_quality_improvement_credited,
        cast(net_productivity_gain_usd - (failure_cost_usd + rework_cost_usd) as decimal(18, 2))
            as quality_adjusted_net_gain_usd,
        -- the net gain's interval (hours from tasks) and the quality cost's (deployment counts)
        -- come from different data: their half-widths combine in quadrature, each side apart
        cast(
            net_productivity_gain_usd - (failure_cost_usd + rework_cost_usd)
            - sqrt(
                power(net_productivity_gain_usd - net_productivity_gain_usd_lower_90, 2)
                + power(quality_regression_cost_usd_upper_90 - (failure_cost_usd + rework_cost_usd), 2)
            )
            as decimal(18, 2)
        ) as quality_adjusted_net_gain_usd_lower_90,
        cast(
            net_productivity_gain_usd - (failure_cost_usd + rework_cost_usd)
            + sqrt(
                power(net_productivity_gain_usd_upper_90 - net_productivity_gain_usd, 2)
                + power((failure_cost_usd + rework_cost_usd) - quality_regression_cost_usd_lower_90, 2)
            )
            as decimal(18, 2)
        ) as quality_adjusted_net_gain_usd_upper_90,

        ---------- step 3: leakage
        cast(leakage_status as {{ dbt.type_string() }}) as leakage_status,
        cast(reinvestment_rate as {{ type_double() }}) as reinvestment_rate,
        cast(reinvestment_rate - reinvestment_rate_half_width_90 as {{ type_double() }}) as reinvestment_rate_lower_90,
        cast(reinvestment_rate + reinvestment_rate_half_width_90 as {{ type_double() }}) as reinvestment_rate_upper_90,
        cast(case when hours_saved is not null and teams_leakage_not_measurable = 0 then realised_hours_saved end as {{ type_double() }})
            as realised_hours_saved,
        cast(
            case when hours_saved is not null and teams_leakage_not_measurable = 0 then hours_saved - realised_hours_saved end
            as {{ type_double() }}
        ) as leakage_hours,
        cast(case when hours_saved is not null and teams_leakage_not_measurable = 0 then realised_value_usd end as decimal(18, 2))
            as realised_value_usd,
        cast(
            case
                when hours_saved is not null and teams_leakage_not_measurable = 0 then value_of_hours_saved_usd - realised_value_usd
            end as decimal(18, 2)
        ) as leakage_value_usd,
        cast(
            case
                when hours_saved is not null and teams_leakage_not_measurable = 0
                    then realised_value_usd - ai_total_cost_usd - (failure_cost_usd + rework_cost_usd)
            end as decimal(18, 2)
        ) as realised_net_gain_usd,
        -- its 90% interval: the realised value = value x the realised share, whose half-widths
        -- (the value's, scaled by the share, and the rate's, realised_value_rate_half_width_usd)
        -- and the quality cost's combine in quadrature; the AI cost is exact
        cast(
            case
                when hours_saved is not null and teams_leakage_not_measurable = 0
                    then realised_value_usd - ai_total_cost_usd - (failure_cost_usd + rework_cost_usd)
                        - sqrt(
                            power(
                                coalesce({{ safe_divide('realised_value_usd', 'value_of_hours_saved_usd') }}, 0)
                                * (value_of_hours_saved_usd - value_of_hours_saved_usd_lower_90),
                                2
                            )
                            + power(realised_value_rate_half_width_usd, 2)
                            + power(quality_regression_cost_usd_upper_90 - (failure_cost_usd + rework_cost_usd), 2)
                        )
            end as decimal(18, 2)
        ) as realised_net_gain_usd_lower_90,
        cast(
            case
                when hours_saved is not null and teams_leakage_not_measurable = 0
                    then realised_value_usd - ai_total_cost_usd - (failure_cost_usd + rework_cost_usd)
                        + sqrt(
                            power(
                                coalesce({{ safe_divide('realised_value_usd', 'value_of_hours_saved_usd') }}, 0)
                                * (value_of_hours_saved_usd_upper_90 - value_of_hours_saved_usd),
                                2
                            )
                            + power(realised_value_rate_half_width_usd, 2)
                            + power((failure_cost_usd + rework_cost_usd) - quality_regression_cost_usd_lower_90, 2)
                        )
            end as decimal(18, 2)
        ) as realised_net_gain_usd_upper_90
    from joined
)

select * from final
