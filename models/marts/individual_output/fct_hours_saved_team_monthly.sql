{#-
    docs/metrics.md, Layer 1: "Human-equivalent hours saved, three estimates side by side, never
    blended: 1. measured: for each AI-assisted task done in adoption or impact,
    baseline_median_effort_hours(team, task class) - task_effort_hours (negative allowed:
    slower is a loss). measured_control_adjusted subtracts the control cohort's change in
    median effort for the same task class over the same periods. 2. telemetry_modelled:
    lines accepted x var('minutes_saved_per_accepted_line', 0.5) / 60. 3. self_reported:
    survey hours saved per week x respondents' team headcount. Net productivity gain uses
    var('hours_saved_method', 'measured_control_adjusted')."

    One row per team and calendar month (int_ai_hours_saved_team_monthly): the four
    estimates side by side with the counts behind them, and hours_saved = the estimate named
    in hours_saved_method. Definitions and fallbacks: int_ai_task_hours_saved and
    int_ai_hours_saved_team_daily. Person-derived columns are null unless
    var('min_group_size') people stand behind them (suppress_small_cell): the survey
    columns by self_reported_respondents, the others by the team's monthly roster
    (is_suppressed = int_team_headcount_monthly.is_below_min_group_size).
-#}
with

int_ai_hours_saved_team_monthly as (
    select * from {{ ref('int_ai_hours_saved_team_monthly') }}
),

int_team_headcount_monthly as (
    select * from {{ ref('int_team_headcount_monthly') }}
),

joined as (
    select
        int_ai_hours_saved_team_monthly.*,
        coalesce(int_team_headcount_monthly.rostered_members, 0) as rostered_members,
        coalesce(int_team_headcount_monthly.is_below_min_group_size, true) as is_suppressed
    from int_ai_hours_saved_team_monthly
    left join int_team_headcount_monthly
        on int_ai_hours_saved_team_monthly.team_name = int_team_headcount_monthly.team_name
        and int_ai_hours_saved_team_monthly.month_start = int_team_headcount_monthly.month_start
),

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(month_start as date) as month_start,
        cast(cohort as {{ dbt.type_string() }}) as cohort,
        cast(phase as {{ dbt.type_string() }}) as phase,
        cast(rostered_members as bigint) as rostered_members,
        is_suppressed,
        cast(measured_people as bigint) as measured_people,
        cast(telemetry_people as bigint) as telemetry_people,
        cast(hours_saved_people as bigint) as hours_saved_people,
        {#- each cell by the people behind it: the measured columns by the assignees of the
            measured tasks, the telemetry columns by the people with accepted lines, the
            survey columns by the respondents, hours_saved by its method's count -#}
        {%- for column in ['ai_assisted_tasks_done', 'tasks_with_baseline', 'tasks_without_baseline', 'tasks_control_adjusted'] %}
            cast({{ suppress_small_cell(column, 'measured_people') }} as bigint) as {{ column }},
        {%- endfor %}
        cast({{ suppress_small_cell('measured_hours_saved', 'measured_people') }} as {{ type_double() }}) as measured_hours_saved,
        cast({{ suppress_small_cell('measured_control_adjusted_hours_saved', 'measured_people') }} as {{ type_double() }})
            as measured_control_adjusted_hours_saved,
        cast({{ suppress_small_cell('lines_accepted', 'telemetry_people') }} as bigint) as lines_accepted,
        cast({{ suppress_small_cell('telemetry_days', 'telemetry_people') }} as bigint) as telemetry_days,
        cast({{ suppress_small_cell('telemetry_modelled_hours_saved', 'telemetry_people') }} as {{ type_double() }})
            as telemetry_modelled_hours_saved,
        cast(self_reported_respondents as bigint) as self_reported_respondents,
        cast({{ suppress_small_cell('self_reported_hours_saved_per_week_mean', 'self_reported_respondents') }} as {{ type_double() }})
            as self_reported_hours_saved_per_week_mean,
        cast({{ suppress_small_cell('self_reported_hours_saved', 'self_reported_respondents') }} as {{ type_double() }})
            as self_reported_hours_saved,
        cast({{ suppress_small_cell('hours_saved', 'hours_saved_people') }} as {{ type_double() }}) as hours_saved,
        cast(hours_saved_method as {{ dbt.type_string() }}) as hours_saved_method
    from joined
)

select * from final
