{#-
    The one definition of leakage (docs/metrics.md, "Leakage"), one row per treatment team
    with impact-phase months (int_leakage_team_monthly), over its whole impact phase:
    - utilisation = hours of finished work / focus hours (int_team_delivered_effort_daily:
      each done task's effort spread over its weekdays in progress; rostered members x
      var('focus_hours_per_day')), pooled per window: the team's baseline window
      [baseline_start_date, baseline_end_date) and its impact phase (from impact_start_date),
      and the control cohort's over the same two windows. Saved time that became more work
      keeps utilisation where it was; saved time left idle lowers it;
    - leakage_hours = (Day-Zero utilisation x the control cohort's utilisation ratio, impact
      window / baseline window - impact utilisation) x impact focus hours;
    - reinvestment_rate = 1 - leakage_hours / the impact phase's hours saved (unclamped);
    - its standard error from the weekly utilisations (team and control, Day Zero and impact;
      delta method), reinvestment_rate_half_width_90 = 1.645 x that / hours saved;
    - leakage_status 'measured' with at least var('leakage_min_weeks') weeks in both windows
      and a half-width of at most var('leakage_max_interval_half_width'); otherwise why not;
    - realised_share = the measured rate clamped to [0, 1] (no more is realised than saved,
      never less than nothing); null unless measured.
    A team with a suppressed impact month (below var('min_group_size')) publishes no rate.
    fct_leakage_team_monthly and fct_net_gain_waterfall both read this model.
-#}
with

int_teams as (
    select * from {{ ref('int_teams') }}
),

int_leakage_team_monthly as (
    select * from {{ ref('int_leakage_team_monthly') }}
),

int_team_delivered_effort_daily as (
    select * from {{ ref('int_team_delivered_effort_daily') }}
),

treatment_teams as (
    select
        team_name,
        baseline_start_date,
        baseline_end_date,
        impact_start_date
    from int_teams
    where cohort = 'treatment' and rollout_date is not null
),

control_team_count as (
    select count(distinct team_name) as control_teams
    from int_teams
    where cohort = 'control'
),

team_impact as (
    select
        team_name,
        sum(hours_saved) as impact_hours_saved,
        max(case when is_below_min_group_size then 1 else 0 end) as any_suppressed
    from int_leakage_team_monthly
    group by team_name
),

effort_days as (
    -- each treatment team's own days and the control cohort's, in the team's baseline
    -- window and in its impact phase
    select
        treatment_teams.team_name,
        int_team_delivered_effort_daily.week_start,
        int_team_delivered_effort_daily.team_name = treatment_teams.team_name as is_own,
        int_team_delivered_effort_daily.capacity_hours,
        int_team_delivered_effort_daily.delivered_effort_hours,
        case
            when int_team_delivered_effort_daily.date_day < treatment_teams.baseline_end_date then 'baseline'
            else 'impact'
        end as window_name
    from treatment_teams
    inner join int_team_delivered_effort_daily
        on (
            int_team_delivered_effort_daily.date_day >= treatment_teams.baseline_start_date
            and int_team_delivered_effort_daily.date_day < treatment_teams.baseline_end_date
        )
        or int_team_delivered_effort_daily.date_day >= treatment_teams.impact_start_date
    inner join int_teams on int_team_delivered_effort_daily.team_name = int_teams.team_name
    where int_team_delivered_effort_daily.team_name = treatment_teams.team_name or int_teams.cohort = 'control'
),

effort_windows as (
    -- focus hours and finished-work hours per week
    select
        team_name,
        window_name,
        week_start,
        sum(case when is_own then capacity_hours else 0 end) as team_capacity_hours,
        sum(case when is_own then delivered_effort_hours else 0 end) as team_effort_hours,
        sum(case when is_own then 0 else capacity_hours end) as control_capacity_hours,
        sum(case when is_own then 0 else delivered_effort_hours end) as control_effort_hours
    from effort_days
    group by team_name, window_name, week_start
),

effort_moments as (
    -- utilisation = finished-work hours / focus hours, pooled per window, and the variance
    -- of its weekly values (for the standard error of the pooled figure)
    select
        team_name,
        sum(case when window_name = 'baseline' and team_capacity_hours > 0 then 1 else 0 end) as baseline_weeks,
        sum(case when window_name = 'baseline' then team_effort_hours else 0 end)
        / nullif(sum(case when window_name = 'baseline' then team_capacity_hours else 0 end), 0) as team_baseline_utilisation,
        sum(case when window_name = 'baseline' then control_effort_hours else 0 end)
        / nullif(sum(case when window_name = 'baseline' then control_capacity_hours else 0 end), 0) as control_baseline_utilisation,
        var_samp(case when window_name = 'baseline' and team_capacity_hours > 0 then team_effort_hours / team_capacity_hours end)
            as team_baseline_variance,
        var_samp(
            case when window_name = 'baseline' and control_capacity_hours > 0 then control_effort_hours / control_capacity_hours end
        ) as control_baseline_variance,
        sum(case when window_name = 'impact' and team_capacity_hours > 0 then 1 else 0 end) as impact_weeks,
        sum(case when window_name = 'impact' then team_capacity_hours else 0 end) as team_impact_focus_hours,
        sum(case when window_name = 'impact' then team_effort_hours else 0 end)
        / nullif(sum(case when window_name = 'impact' then team_capacity_hours else 0 end), 0) as team_impact_utilisation,
        sum(case when window_name = 'impact' then control_effort_hours else 0 end)
        / nullif(sum(case when window_name = 'impact' then control_capacity_hours else 0 end), 0) as control_impact_utilisation,
        var_samp(case when window_name = 'impact' and team_capacity_hours > 0 then team_effort_hours / team_capacity_hours end)
            as team_impact_variance,
        var_samp(
            case when window_name = 'impact' and control_capacity_hours > 0 then control_effort_hours / control_capacity_hours end
        ) as control_impact_variance
    from effort_windows
    group by team_name
),

leakage_estimates as (
    select
        team_impact.team_name,
        team_impact.impact_hours_saved,
        team_impact.any_suppressed,
        control_team_count.control_teams,
        effort_moments.baseline_weeks,
        effort_moments.impact_weeks,
        effort_moments.team_impact_focus_hours,
        effort_moments.team_baseline_utilisation,
        effort_moments.team_impact_utilisation,
        effort_moments.control_baseline_utilisation,
        effort_moments.control_impact_utilisation,
        effort_moments.team_baseline_variance,
        effort_moments.team_impact_variance,
        effort_moments.control_baseline_variance,
        effort_moments.control_impact_variance,
        {{ safe_divide('effort_moments.control_impact_utilisation', 'effort_moments.control_baseline_utilisation') }}
            as control_utilisation_ratio
    from team_impact
    cross join control_team_count
    left join effort_moments on team_impact.team_name = effort_moments.team_name
),

leakage_gain as (
    select
        *,
        -- focus hours that went into neither finished work nor the control-adjusted Day-Zero
        -- share of it: (U_b x C_i / C_b - U_i) x impact focus hours
        (team_baseline_utilisation * control_utilisation_ratio - team_impact_utilisation) * team_impact_focus_hours
            as leakage_hours,
        -- delta method over the four weekly means
        sqrt(
            team_impact_variance / nullif(impact_weeks, 0)
            + power(control_utilisation_ratio, 2) * team_baseline_variance / nullif(baseline_weeks, 0)
            + power(team_baseline_utilisation / control_baseline_utilisation, 2) * control_impact_variance / nullif(impact_weeks, 0)
            + power(team_baseline_utilisation * control_impact_utilisation / power(control_baseline_utilisation, 2), 2)
            * control_baseline_variance / nullif(baseline_weeks, 0)
        ) * team_impact_focus_hours as leakage_hours_standard_error
    from leakage_estimates
),

leakage_rates as (
    select
        *,
        1 - {{ safe_divide('leakage_hours', 'impact_hours_saved') }} as reinvestment_rate,
        1.645 * {{ safe_divide('leakage_hours_standard_error', 'impact_hours_saved') }}
            as reinvestment_rate_half_width_90
    from leakage_gain
),

leakage_status as (
    select
        *,
        case
            when any_suppressed = 1 then 'not measurable: suppressed (small team)'
            when coalesce(impact_hours_saved, 0) <= 0 then 'not measurable: no hours saved in the impact phase'
            when control_teams = 0 then 'not measurable: no control teams'
            when team_baseline_utilisation is null or team_impact_utilisation is null or control_utilisation_ratio is null
                then 'not measurable: no finished work at Day Zero or since'
            when impact_weeks < {{ var('leakage_min_weeks') }} or baseline_weeks < {{ var('leakage_min_weeks') }}
                then 'not measurable: fewer than {{ var("leakage_min_weeks") }} weeks at Day Zero or in the impact phase'
            when reinvestment_rate_half_width_90 is null
                or reinvestment_rate_half_width_90 > {{ var('leakage_max_interval_half_width') }}
                then 'not measurable: 90% interval wider than +/- {{ var("leakage_max_interval_half_width") }}'
            else 'measured'
        end as leakage_status
    from leakage_rates
),

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        any_suppressed = 1 as is_suppressed,
        cast(control_teams as bigint) as control_teams,
        cast(coalesce(baseline_weeks, 0) as bigint) as baseline_weeks,
        cast(coalesce(impact_weeks, 0) as bigint) as impact_weeks,
        cast(impact_hours_saved as {{ type_double() }}) as impact_hours_saved,
        cast(team_impact_focus_hours as {{ type_double() }}) as impact_focus_hours,
        cast(team_baseline_utilisation as {{ type_double() }}) as baseline_utilisation,
        cast(team_impact_utilisation as {{ type_double() }}) as impact_utilisation,
        cast(control_utilisation_ratio as {{ type_double() }}) as control_utilisation_ratio,
        cast(leakage_hours as {{ type_double() }}) as leakage_hours,
        cast(leakage_hours_standard_error as {{ type_double() }}) as leakage_hours_standard_error,
        -- a team with a suppressed impact month publishes no rate (privacy rule)
        cast(case when any_suppressed = 1 then null else reinvestment_rate end as {{ type_double() }}) as reinvestment_rate,
        cast(case when any_suppressed = 1 then null else reinvestment_rate_half_width_90 end as {{ type_double() }})
            as reinvestment_rate_half_width_90,
        cast(leakage_status as {{ dbt.type_string() }}) as leakage_status,
        cast(
            case
                when leakage_status <> 'measured' then null
                when reinvestment_rate < 0 then 0.0
                when reinvestment_rate > 1 then 1.0
                else reinvestment_rate
            end as {{ type_double() }}
        ) as realised_share
    from leakage_status
)

select * from final
