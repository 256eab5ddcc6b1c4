{#-
    docs/metrics.md, "Leakage": hours saved that did not become delivered work, per treatment
    team and calendar month with days in its impact phase (only those days count).
    The month's inputs come from int_leakage_team_monthly (hours saved, focus hours, hours of
    finished work); the estimate is the team's one leakage estimate over its whole impact
    phase (int_leakage_team, also netted by fct_net_gain_waterfall): the control-adjusted
    fall in utilisation (finished-work hours / focus hours) since Day Zero x focus hours, as a
    reinvestment rate with its 90% interval and leakage_status. A month is too short to
    estimate leakage on its own, so the team's rate is applied to each month's hours saved:
    - realised_hours_saved = hours_saved x the measured rate clamped to [0, 1];
    - leakage_hours = hours_saved - realised_hours_saved;
    both null unless leakage_status is 'measured' (a noisy estimate is shown as a rate with
    its interval, never as hours). Summed over the impact months they give the team's
    realised and leaked hours, as in fct_net_gain_waterfall.
    Privacy: hours_saved, realised_hours_saved and leakage_hours are null unless
    var('min_group_size') distinct people stand behind the month's impact-day hours saved
    (hours_saved_people: int_ai_hours_saved_people with a contribution on or after the
    impact start, counted by hours_saved_people_count); utilisation and the team's rate are null when the monthly roster is
    below it, and a team with any such month publishes no rate.
-#}
with

int_leakage_team_monthly as (
    select * from {{ ref('int_leakage_team_monthly') }}
),

int_leakage_team as (
    select * from {{ ref('int_leakage_team') }}
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

int_ai_hours_saved_people as (
    select * from {{ ref('int_ai_hours_saved_people') }}
),

impact_people as (
    -- the distinct people behind the month's impact-day hours saved (the chosen estimate)
    {{ hours_saved_people_count('int_ai_hours_saved_people', 'int_teams', scope_types=['team'], contributed_from='impact_start_date') }}
),

joined as (
    select
        int_leakage_team_monthly.team_name,
        int_leakage_team_monthly.month_start,
        int_leakage_team_monthly.impact_days,
        int_leakage_team_monthly.rostered_members,
        int_leakage_team_monthly.is_below_min_group_size as is_suppressed,
        int_leakage_team_monthly.hours_saved,
        coalesce(impact_people.hours_saved_people, 0) as hours_saved_people,
        int_leakage_team_monthly.focus_hours,
        int_leakage_team_monthly.delivered_effort_hours,
        {{ safe_divide('int_leakage_team_monthly.delivered_effort_hours', 'int_leakage_team_monthly.focus_hours') }}
            as utilisation,
        int_leakage_team.leakage_status,
        int_leakage_team.baseline_utilisation,
        int_leakage_team.impact_utilisation,
        int_leakage_team.control_utilisation_ratio,
        int_leakage_team.reinvestment_rate,
        int_leakage_team.reinvestment_rate - int_leakage_team.reinvestment_rate_half_width_90 as reinvestment_rate_lower_90,
        int_leakage_team.reinvestment_rate + int_leakage_team.reinvestment_rate_half_width_90 as reinvestment_rate_upper_90,
        int_leakage_team.realised_share,
        int_leakage_team_monthly.hours_saved * int_leakage_team.realised_share as realised_hours_saved
    from int_leakage_team_monthly
    left join int_leakage_team on int_leakage_team_monthly.team_name = int_leakage_team.team_name
    left join impact_people
        on int_leakage_team_monthly.team_name = impact_people.scope_name
        and int_leakage_team_monthly.month_start = impact_people.period_start
),

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(month_start as date) as month_start,
        cast(impact_days as bigint) as impact_days,
        cast(rostered_members as bigint) as rostered_members,
        is_suppressed,
        cast('{{ var("hours_saved_method") }}' as {{ dbt.type_string() }}) as hours_saved_method,
        cast(leakage_status as {{ dbt.type_string() }}) as leakage_status,
        cast(hours_saved_people as bigint) as hours_saved_people,
        {#- the team's utilisation and rate: its roster; the month's hours saved and what is
            built on them: the people behind those hours #}
        {%- for column in [
            'focus_hours', 'delivered_effort_hours', 'utilisation', 'baseline_utilisation',
            'impact_utilisation', 'control_utilisation_ratio', 'reinvestment_rate', 'reinvestment_rate_lower_90',
            'reinvestment_rate_upper_90', 'realised_share',
        ] %}
            cast({{ suppress_small_cell(column, 'rostered_members') }} as {{ type_double() }}) as {{ column }},
        {%- endfor %}
        {%- for column in ['hours_saved', 'realised_hours_saved'] %}
            cast({{ suppress_small_cell(column, 'hours_saved_people') }} as {{ type_double() }}) as {{ column }},
        {%- endfor %}
        cast({{ suppress_small_cell('hours_saved - realised_hours_saved', 'hours_saved_people') }} as {{ type_double() }})
            as leakage_hours
    from joined
)

select * from final
