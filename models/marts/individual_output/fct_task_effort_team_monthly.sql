{#-
    docs/metrics.md, Layer 1: "Task completion time (work items): from the first transition into
    an in-progress status category to the transition into a done status category.
    task_effort_hours = elapsed weekday time (weekend time removed) in days x
    var('focus_hours_per_day', 6). Task class = issue type x size bucket (story points: 1-2
    S, 3-5 M, 8+ L, missing = unsized)."

    One row per team, calendar month of completion and task class with done tasks (epics,
    the features, excluded): tasks done, AI-assisted or not, and the median task effort of
    each, with their ratio. Each person-derived cell is null unless at least
    var('min_group_size') distinct assignees stand behind it (suppress_small_cell):
    assignees for the totals, ai_assisted_assignees / not_ai_assisted_assignees for each
    side, the smaller of the two for the ratio. is_suppressed: the totals are suppressed.
-#}
with

int_work_items_enriched as (
    select * from {{ ref('int_work_items_enriched') }}
),

int_team_headcount_monthly as (
    select * from {{ ref('int_team_headcount_monthly') }}
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

tasks as (
    select
        team_name,
        {{ month_start('done_at') }} as month_start,
        task_class,
        is_ai_assisted,
        assignee_id,
        task_effort_hours
    from int_work_items_enriched
    where
        is_done
        and task_effort_hours is not null
        and team_name is not null
        and lower(issue_type) <> 'epic'
),

monthly as (
    select
        team_name,
        month_start,
        task_class,
        count(*) as tasks_done,
        count(distinct assignee_id) as assignees,
        count(distinct case when is_ai_assisted then assignee_id end) as ai_assisted_assignees,
        count(distinct case when not is_ai_assisted then assignee_id end) as not_ai_assisted_assignees,
        sum(case when is_ai_assisted then 1 else 0 end) as ai_assisted_tasks_done,
        sum(case when is_ai_assisted then 0 else 1 end) as not_ai_assisted_tasks_done,
        sum(task_effort_hours) as task_effort_hours,
        {{ median('case when is_ai_assisted then task_effort_hours end') }} as effort_median_hours_ai_assisted,
        {{ median('case when not is_ai_assisted then task_effort_hours end') }} as effort_median_hours_not_ai_assisted
    from tasks
    group by team_name, month_start, task_class
),

joined as (
    select
        monthly.*,
        int_teams.cohort,
        {{ phase_of('monthly.month_start', 'int_teams.reference_date') }} as phase,
        coalesce(int_team_headcount_monthly.rostered_members, 0) as rostered_members,
        {{ is_small_cell('monthly.assignees') }} as is_suppressed,
        least(monthly.ai_assisted_assignees, monthly.not_ai_assisted_assignees) as compared_assignees,
        {{ safe_divide('monthly.effort_median_hours_ai_assisted', 'monthly.effort_median_hours_not_ai_assisted') }}
            as ai_to_not_ai_effort_ratio
    from monthly
    left join int_teams on monthly.team_name = int_teams.team_name
    left join int_team_headcount_monthly
        on monthly.team_name = int_team_headcount_monthly.team_name
        and monthly.month_start = int_team_headcount_monthly.month_start
),

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(month_start as date) as month_start,
        cast(task_class as {{ dbt.type_string() }}) as task_class,
        cast(cohort as {{ dbt.type_string() }}) as cohort,
        cast(phase as {{ dbt.type_string() }}) as phase,
        cast(rostered_members as bigint) as rostered_members,
        is_suppressed,
        {%- set cells = [
            ('tasks_done', 'assignees', 'bigint'),
            ('ai_assisted_tasks_done', 'ai_assisted_assignees', 'bigint'),
            ('not_ai_assisted_tasks_done', 'not_ai_assisted_assignees', 'bigint'),
            ('task_effort_hours', 'assignees', type_double()),
            ('effort_median_hours_ai_assisted', 'ai_assisted_assignees', type_double()),
            ('effort_median_hours_not_ai_assisted', 'not_ai_assisted_assignees', type_double()),
            ('ai_to_not_ai_effort_ratio', 'compared_assignees', type_double()),
        ] %}
        {%- for column, people, data_type in cells %}
            cast({{ suppress_small_cell(column, people) }} as {{ data_type }}) as {{ column }},
        {%- endfor %}
        cast(assignees as bigint) as assignees,
        cast(ai_assisted_assignees as bigint) as ai_assisted_assignees,
        cast(not_ai_assisted_assignees as bigint) as not_ai_assisted_assignees,
        cast(compared_assignees as bigint) as compared_assignees
    from joined
)

select * from final
