{#-
    docs/metrics.md (revised): "every headline money figure (hours saved, value of hours saved,
    AI cost is exact, net gain, ROI, payback) carries a 90% interval from a bootstrap that
    resamples teams (clusters), not tasks or weeks."

    One row per scope (team, cohort treatment/control, org 'all') and period: each calendar
    month, each quarter, and the whole history ('total'). The estimates are the money marts'
    figures before their privacy rule (int_net_productivity_team_monthly: net gain = value -
    cost, null for a control team; a cohort sums its teams, the organisation every team and
    any unallocated cost), summed over the period's months. The bounds are the 5th and 95th
    percentiles over the bootstrap replicates of int_ai_hours_saved_bootstrap, summed over the
    same months (a month without AI-assisted tasks adds 0 in every replicate):
    - a team's interval resamples tasks within the team (one team is one cluster);
    - a cohort's and the organisation's resample teams, then tasks within them;
    - AI cost is exact, so net gain = value - cost and roi = net gain / cost take their bounds
      from the value's (both increase with it);
    - payback month (total rows only): each replicate's first month where the cumulative cost
      is > 0 and the cumulative value - cost >= 0 (the marts' rule); the bounds are the
      replicates' 5th and 95th percentile months, null when that replicate never paid back
      within the data (payback_reached_share says how many did).
    Privacy, once, on the published cell: every hours-derived figure and bound is null unless
    hours_saved_people (distinct people behind the scope's hours saved in the period,
    int_ai_hours_saved_people, counted by hours_saved_people_count) reaches
    var('min_group_size'); AI cost is published.
    Bounds are null when the estimate is, when any month of the period is unknown, and for
    hours-saved methods without a bootstrap (telemetry_modelled, self_reported:
    bootstrap_replicates = 0).
-#}
with

bootstrap as (
    select * from {{ ref('int_ai_hours_saved_bootstrap') }}
),

int_net_productivity_team_monthly as (
    select * from {{ ref('int_net_productivity_team_monthly') }}
),

teams as (
    select * from {{ ref('int_teams') }}
),

int_ai_hours_saved_people as (
    select * from {{ ref('int_ai_hours_saved_people') }}
),

---------- point estimates per scope and month

team_monthly as (
    -- the team-months before their privacy rule (int_net_productivity_team_monthly: net gain =
    -- value - cost, null for a control team): sums over months and teams are taken
    -- unsuppressed and the rule is applied once, to the published cell
    select
        team_name,
        month_start,
        cohort,
        hours_saved,
        value_of_hours_saved_usd,
        ai_total_cost_usd,
        net_productivity_gain_usd
    from int_net_productivity_team_monthly
),

scope_months as (
    select
        'team' as scope_type,
        team_name as scope_name,
        month_start,
        hours_saved,
        value_of_hours_saved_usd,
        ai_total_cost_usd,
        net_productivity_gain_usd,
        case when hours_saved is null then 1 else 0 end as unknown_months
    from team_monthly

    union all

    select
        'cohort' as scope_type,
        cohort as scope_name,
        month_start,
        sum(hours_saved) as hours_saved,
        sum(value_of_hours_saved_usd) as value_of_hours_saved_usd,
        sum(ai_total_cost_usd) as ai_total_cost_usd,
        sum(net_productivity_gain_usd) as net_productivity_gain_usd,
        sum(case when hours_saved is null then 1 else 0 end) as unknown_months
    from team_monthly
    where cohort in ('treatment', 'control')
    group by cohort, month_start

    union all

    select
        'org' as scope_type,
        'all' as scope_name,
        month_start,
        sum(hours_saved) as hours_saved,
        sum(value_of_hours_saved_usd) as value_of_hours_saved_usd,
        sum(ai_total_cost_usd) as ai_total_cost_usd,
        sum(value_of_hours_saved_usd) - sum(ai_total_cost_usd) as net_productivity_gain_usd,
        case when count(hours_saved) = 0 then 1 else 0 end as unknown_months
    from team_monthly
    group by month_start
),

first_month as (
    select min(month_start) as first_month_start
    from scope_months
),

periods as (
    -- every month belongs to three periods: itself, its quarter and the total
    select distinct
        scope_months.month_start,
        'month' as period_type,
        scope_months.month_start as period_start
    from scope_months
    union all
    select distinct
        scope_months.month_start,
        'quarter' as period_type,
        cast({{ dbt.date_trunc('quarter', 'scope_months.month_start') }} as date) as period_start
    from scope_months
    union all
    select distinct
        scope_months.month_start,
        'total' as period_type,
        first_month.first_month_start as period_start
    from scope_months
    cross join first_month
),

points as (
    select
        scope_months.scope_type,
        scope_months.scope_name,
        periods.period_type,
        periods.period_start,
        max(scope_months.month_start) as last_month_start,
        sum(scope_months.hours_saved) as hours_saved,
        sum(scope_months.value_of_hours_saved_usd) as value_of_hours_saved_usd,
        sum(scope_months.ai_total_cost_usd) as ai_total_cost_usd,
        sum(scope_months.net_productivity_gain_usd) as net_productivity_gain_usd,
        sum(scope_months.unknown_months) as unknown_months
    from scope_months
    inner join periods on scope_months.month_start = periods.month_start
    group by scope_months.scope_type, scope_months.scope_name, periods.period_type, periods.period_start
),

---------- the people behind each scope and period (distinct: one person behind three
---------- months or two teams counts once)

period_people as (
    {{ hours_saved_people_count('int_ai_hours_saved_people', 'teams', period='periods') }}
),

---------- replicates

replicate_ids as (
    select distinct replicate_id
    from bootstrap
    where replicate_id > 0
),

scope_keys as (
    -- a number per scope: the replicates' running sums are partitioned by it (sorting
    -- millions of rows on two strings cost more than the sums)
    select
        scope_type,
        scope_name,
        row_number() over (order by scope_type, scope_name) as scope_key
    from (
        select distinct
            scope_type,
            scope_name
        from scope_months
    ) as scopes
),

replicate_months as (
    -- every replicate x scope x month; a month without bootstrap rows saved 0 hours
    select
        replicate_ids.replicate_id,
        scope_keys.scope_key,
        scope_months.scope_type,
        scope_months.scope_name,
        scope_months.month_start,
        scope_months.ai_total_cost_usd,
        coalesce(bootstrap.hours_saved, 0) as hours_saved,
        coalesce(bootstrap.value_of_hours_saved_usd, 0) as value_of_hours_saved_usd
    from scope_months
    inner join scope_keys
        on scope_months.scope_type = scope_keys.scope_type
        and scope_months.scope_name = scope_keys.scope_name
    cross join replicate_ids
    left join bootstrap
        on replicate_ids.replicate_id = bootstrap.replicate_id
        and scope_months.scope_type = bootstrap.scope_type
        and scope_months.scope_name = bootstrap.scope_name
        and scope_months.month_start = bootstrap.month_start
),

replicate_quarters as (
    -- each month's quarter as the points have it (periods: one definition of the periods)
    select
        replicate_months.replicate_id,
        replicate_months.scope_type,
        replicate_months.scope_name,
        periods.period_start,
        sum(replicate_months.hours_saved) as hours_saved,
        sum(replicate_months.value_of_hours_saved_usd) as value_of_hours_saved_usd
    from replicate_months
    inner join periods
        on replicate_months.month_start = periods.month_start
        and periods.period_type = 'quarter'
    group by
        replicate_months.replicate_id,
        replicate_months.scope_type,
        replicate_months.scope_name,
        periods.period_start
),

replicate_periods as (
    -- the three periods of the points, from the months up (a month is its own period, a
    -- quarter sums its months, the total its quarters): no month row is repeated per period
    select
        replicate_id,
        scope_type,
        scope_name,
        'month' as period_type,
        month_start as period_start,
        hours_saved,
        value_of_hours_saved_usd
    from replicate_months

    union all

    select
        replicate_id,
        scope_type,
        scope_name,
        'quarter' as period_type,
        period_start,
        hours_saved,
        value_of_hours_saved_usd
    from replicate_quarters

    union all

    select
        replicate_quarters.replicate_id,
        replicate_quarters.scope_type,
        replicate_quarters.scope_name,
        'total' as period_type,
        first_month.first_month_start as period_start,
        sum(replicate_quarters.hours_saved) as hours_saved,
        sum(replicate_quarters.value_of_hours_saved_usd) as value_of_hours_saved_usd
    from replicate_quarters
    cross join first_month
    group by
        replicate_quarters.replicate_id,
        replicate_quarters.scope_type,
        replicate_quarters.scope_name,
        first_month.first_month_start
),

quantiles as (
    select
        scope_type,
        scope_name,
        period_type,
        period_start,
        count(*) as bootstrap_replicates,
        {{ percentile('hours_saved', 0.05) }} as hours_saved_lower_90,
        {{ percentile('hours_saved', 0.95) }} as hours_saved_upper_90,
        {{ percentile('value_of_hours_saved_usd', 0.05) }} as value_of_hours_saved_usd_lower_90,
        {{ percentile('value_of_hours_saved_usd', 0.95) }} as value_of_hours_saved_usd_upper_90
    from replicate_periods
    group by scope_type, scope_name, period_type, period_start
),

---------- payback month per replicate (and of the estimate, for cohorts)

replicate_running as (
    select
        replicate_id,
        scope_key,
        month_start,
        sum(ai_total_cost_usd) over (
            partition by replicate_id, scope_key order by month_start
            rows between unbounded preceding and current row
        ) as cumulative_cost,
        sum(value_of_hours_saved_usd - ai_total_cost_usd) over (
            partition by replicate_id, scope_key order by month_start
            rows between unbounded preceding and current row
        ) as cumulative_gain
    from replicate_months
),

replicate_paybacks as (
    select
        replicate_ids.replicate_id,
        scope_keys.scope_type,
        scope_keys.scope_name,
        min(
            case
                when replicate_running.cumulative_cost > 0 and replicate_running.cumulative_gain >= 0
                    then replicate_running.month_start
            end
        ) as payback_month
    from replicate_ids
    cross join scope_keys
    left join replicate_running
        on replicate_ids.replicate_id = replicate_running.replicate_id
        and scope_keys.scope_key = replicate_running.scope_key
    group by replicate_ids.replicate_id, scope_keys.scope_type, scope_keys.scope_name
),

payback_ranks as (
    select
        *,
        row_number() over (
            partition by scope_type, scope_name
            order by coalesce(payback_month, cast('9999-12-31' as date)), replicate_id
        ) as payback_rank,
        count(*) over (partition by scope_type, scope_name) as replicates
    from replicate_paybacks
),

payback_bounds as (
    -- the 5th and 95th percentile months (nearest rank); 9999-12-31 = not paid back
    select
        scope_type,
        scope_name,
        max(case when payback_rank = cast(ceiling(0.05 * replicates) as bigint) then payback_month end)
            as payback_month_lower_90,
        max(case when payback_rank = cast(ceiling(0.95 * replicates) as bigint) then payback_month end)
            as payback_month_upper_90,
        -- doubles: Spark averages 1.0 / 0.0 literals as a decimal (5 places)
        avg(case when payback_month is not null then cast(1 as {{ type_double() }}) else cast(0 as {{ type_double() }}) end)
            as payback_reached_share
    from payback_ranks
    group by scope_type, scope_name
),

point_running as (
    select
        scope_type,
        scope_name,
        month_start,
        sum(ai_total_cost_usd) over (
            partition by scope_type, scope_name order by month_start
            rows between unbounded preceding and current row
        ) as cumulative_cost,
        sum(net_productivity_gain_usd) over (
            partition by scope_type, scope_name order by month_start
            rows between unbounded preceding and current row
        ) as cumulative_gain
    from scope_months
),

point_paybacks as (
    select
        scope_type,
        scope_name,
        min(case when cumulative_cost > 0 and cumulative_gain >= 0 then month_start end) as payback_month
    from point_running
    group by scope_type, scope_name
),

---------- together

joined as (
    select
        points.*,
        coalesce(period_people.hours_saved_people, 0) as hours_saved_people,
        coalesce(quantiles.bootstrap_replicates, 0) as bootstrap_replicates,
        points.hours_saved is not null
        and points.unknown_months = 0
        and quantiles.bootstrap_replicates is not null as has_interval,
        quantiles.hours_saved_lower_90,
        quantiles.hours_saved_upper_90,
        quantiles.value_of_hours_saved_usd_lower_90,
        quantiles.value_of_hours_saved_usd_upper_90,
        point_paybacks.payback_month,
        payback_bounds.payback_month_lower_90,
        payback_bounds.payback_month_upper_90,
        payback_bounds.payback_reached_share
    from points
    left join period_people
        on points.scope_type = period_people.scope_type
        and points.scope_name = period_people.scope_name
        and points.period_type = period_people.period_type
        and points.period_start = period_people.period_start
    left join quantiles
        on points.scope_type = quantiles.scope_type
        and points.scope_name = quantiles.scope_name
        and points.period_type = quantiles.period_type
        and points.period_start = quantiles.period_start
    left join point_paybacks
        on points.scope_type = point_paybacks.scope_type
        and points.scope_name = point_paybacks.scope_name
    left join payback_bounds
        on points.scope_type = payback_bounds.scope_type
        and points.scope_name = payback_bounds.scope_name
),

estimates as (
    select
        ---------- grain
        cast(scope_type as {{ dbt.type_string() }}) as scope_type,
        cast(scope_name as {{ dbt.type_string() }}) as scope_name,
        cast(period_type as {{ dbt.type_string() }}) as period_type,
        cast(period_start as date) as period_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'last_month_start')) }} as date) as period_end,
        cast(case when scope_type = 'team' then 'tasks_within_team' else 'teams_then_tasks' end as {{ dbt.type_string() }})
            as bootstrap_scheme,
        cast(bootstrap_replicates as bigint) as bootstrap_replicates,
        cast(hours_saved_people as bigint) as hours_saved_people,

        ---------- hours and value
        cast(hours_saved as {{ type_double() }}) as hours_saved,
        cast(case when has_interval then hours_saved_lower_90 end as {{ type_double() }}) as hours_saved_lower_90,
        cast(case when has_interval then hours_saved_upper_90 end as {{ type_double() }}) as hours_saved_upper_90,
        cast(value_of_hours_saved_usd as decimal(18, 2)) as value_of_hours_saved_usd,
        cast(case when has_interval then value_of_hours_saved_usd_lower_90 end as decimal(18, 2))
            as value_of_hours_saved_usd_lower_90,
        cast(case when has_interval then value_of_hours_saved_usd_upper_90 end as decimal(18, 2))
            as value_of_hours_saved_usd_upper_90,

        ---------- cost (exact), net gain and roi
        cast(ai_total_cost_usd as decimal(18, 2)) as ai_total_cost_usd,
        cast(net_productivity_gain_usd as decimal(18, 2)) as net_productivity_gain_usd,
        cast(case when has_interval then value_of_hours_saved_usd_lower_90 - ai_total_cost_usd end as decimal(18, 2))
            as net_productivity_gain_usd_lower_90,
        cast(case when has_interval then value_of_hours_saved_usd_upper_90 - ai_total_cost_usd end as decimal(18, 2))
            as net_productivity_gain_usd_upper_90,
        cast({{ safe_divide('net_productivity_gain_usd', 'ai_total_cost_usd') }} as {{ type_double() }}) as roi,
        cast(
            case when has_interval then {{ safe_divide('value_of_hours_saved_usd_lower_90 - ai_total_cost_usd', 'ai_total_cost_usd') }} end
            as {{ type_double() }}
        ) as roi_lower_90,
        cast(
            case when has_interval then {{ safe_divide('value_of_hours_saved_usd_upper_90 - ai_total_cost_usd', 'ai_total_cost_usd') }} end
            as {{ type_double() }}
        ) as roi_upper_90,

        ---------- payback (whole history: total rows only)
        cast(case when period_type = 'total' and hours_saved is not null then payback_month end as date) as payback_month,
        cast(case when period_type = 'total' and has_interval then payback_month_lower_90 end as date) as payback_month_lower_90,
        cast(case when period_type = 'total' and has_interval then payback_month_upper_90 end as date) as payback_month_upper_90,
        cast(case when period_type = 'total' and has_interval then payback_reached_share end as {{ type_double() }})
            as payback_reached_share
    from joined
),

{# the privacy rule, once, on the published cell: every figure built on hours saved is null
    unless var('min_group_size') people stand behind them (AI cost is not person-derived) #}
{%- set person_derived = [
    'hours_saved', 'hours_saved_lower_90', 'hours_saved_upper_90',
    'value_of_hours_saved_usd', 'value_of_hours_saved_usd_lower_90', 'value_of_hours_saved_usd_upper_90',
    'net_productivity_gain_usd', 'net_productivity_gain_usd_lower_90', 'net_productivity_gain_usd_upper_90',
    'roi', 'roi_lower_90', 'roi_upper_90',
    'payback_month', 'payback_month_lower_90', 'payback_month_upper_90', 'payback_reached_share',
] %}
final as (
    select
        scope_type,
        scope_name,
        period_type,
        period_start,
        period_end,
        bootstrap_scheme,
        bootstrap_replicates,
        ai_total_cost_usd,
        {%- for column in person_derived %}
            {{ suppress_small_cell(column, 'hours_saved_people') }} as {{ column }},
        {%- endfor %}
        hours_saved_people
    from estimates
)

select * from final
