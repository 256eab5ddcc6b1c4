{#-
    The people behind the money marts' running totals (cumulative value and net gain, payback
    month), for the one privacy rule (suppress_small_cell): everyone who stood behind the
    scope's hours saved (the estimate var('hours_saved_method') stands on,
    hours_saved_people_estimate()) in any month so far, each person counted once, from their
    first month on.
    One row per scope and month of the money marts: scope_type 'team' (scope_name = the team)
    for every team-month of int_net_productivity_team_monthly, and 'org' (scope_name 'all') for
    every month of it. new_people: the people whose first month (within the scope) it is;
    hours_saved_people_to_date: their running sum over the scope's months in order.
    Read by fct_net_productivity_team_monthly and fct_net_productivity_org_monthly.
-#}
with

int_ai_hours_saved_people as (
    select * from {{ ref('int_ai_hours_saved_people') }}
    where estimate = '{{ hours_saved_people_estimate() }}'
),

int_net_productivity_team_monthly as (
    select * from {{ ref('int_net_productivity_team_monthly') }}
),

scope_months as (
    select
        'team' as scope_type,
        team_name as scope_name,
        month_start
    from int_net_productivity_team_monthly
    union all
    select distinct
        'org' as scope_type,
        'all' as scope_name,
        month_start
    from int_net_productivity_team_monthly
),

first_months as (
    -- each person's first month behind the scope's hours saved
    select
        'team' as scope_type,
        team_name as scope_name,
        person_id,
        min(month_start) as first_month_start
    from int_ai_hours_saved_people
    group by team_name, person_id
    union all
    select
        'org' as scope_type,
        'all' as scope_name,
        person_id,
        min(month_start) as first_month_start
    from int_ai_hours_saved_people
    group by person_id
),

new_people as (
    select
        scope_type,
        scope_name,
        first_month_start as month_start,
        count(*) as new_people
    from first_months
    group by scope_type, scope_name, first_month_start
),

joined as (
    select
        scope_months.scope_type,
        scope_months.scope_name,
        scope_months.month_start,
        coalesce(new_people.new_people, 0) as new_people
    from scope_months
    left join new_people
        on scope_months.scope_type = new_people.scope_type
        and scope_months.scope_name = new_people.scope_name
        and scope_months.month_start = new_people.month_start
),

final as (
    select
        ---------- ids
        cast(scope_type as {{ dbt.type_string() }}) as scope_type,
        cast(scope_name as {{ dbt.type_string() }}) as scope_name,
        cast(month_start as date) as month_start,

        ---------- people
        cast(new_people as bigint) as new_people,
        cast(
            sum(new_people) over (
                partition by scope_type, scope_name order by month_start rows between unbounded preceding and current row
            ) as bigint
        ) as hours_saved_people_to_date
    from joined
)

select * from final
