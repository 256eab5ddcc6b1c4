{#-
    One row per work item (Jira issue) with task completion time (docs/metrics.md, Layer 1):
    - started_at: the first transition into an in-progress status category;
    - done_at: the last transition into a done category, for items whose current status
      is done (a reopened item's effort runs to its final completion);
    - task_effort_hours: elapsed weekday time between them (Saturday and Sunday removed,
      UTC days) in days x var('focus_hours_per_day');
    - task_class: issue type x size bucket (story points 1-2 S, 3-5 M (and 6-7), 8+ L,
      missing unsized);
    - team: the team owning the Jira project (service_ownership, service_type jira_project);
    - is_ai_assisted: a PR referencing the item's key (title or branch) is AI-assisted;
    - phase of the team on the done date.
-#}
with

issues as (
    select * from {{ ref('stg_jira__issues') }}
),

transitions as (
    select * from {{ ref('stg_jira__issue_status_transitions') }}
),

ownership as (
    select * from {{ ref('stg_files__service_ownerships') }}
    where service_type = 'jira_project'
),

teams as (
    select * from {{ ref('int_teams') }}
),

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

pull_requests as (
    select * from {{ ref('int_pull_requests_enriched') }}
),

milestones as (
    select
        issue_id,
        min(case when to_status_category = 'indeterminate' then transitioned_at end) as started_at,
        max(case when to_status_category = 'done' then transitioned_at end) as done_at
    from transitions
    group by issue_id
),

linked_pull_requests as (
    select
        work_item_key,
        count(*) as pull_request_count,
        max(case when is_ai_assisted then 1 else 0 end) = 1 as has_ai_assisted_pull_request,
        min(ai_attribution_source) as ai_attribution_source
    from pull_requests
    where work_item_key is not null
    group by work_item_key
),

spans as (
    select
        issues.issue_id,
        milestones.started_at,
        case when issues.status_category = 'done' and milestones.done_at >= milestones.started_at then milestones.done_at end as done_at
    from issues
    inner join milestones on issues.issue_id = milestones.issue_id
),

-- Weekday seconds of a span without one row per day: whole weekdays between its first
-- and last day (a running count over the calendar) minus the parts of the first and last
-- day outside the span. Only calendar days count, as the span is clamped to the calendar.
calendar_weekdays as (
    select
        date_day,
        is_weekday,
        sum(case when is_weekday then 1 else 0 end) over (
            order by date_day rows between unbounded preceding and current row
        ) as weekdays_through
    from calendar
),

calendar_bounds as (
    select
        cast(min(date_day) as {{ dbt.type_timestamp() }}) as calendar_start_at,
        {{ dbt.dateadd('day', 1, 'cast(max(date_day) as ' ~ dbt.type_timestamp() ~ ')') }} as calendar_end_at
    from calendar
),

clamped_spans as (
    select
        spans.issue_id,
        greatest(spans.started_at, calendar_bounds.calendar_start_at) as span_start_at,
        least(spans.done_at, calendar_bounds.calendar_end_at) as span_end_at
    from spans
    cross join calendar_bounds
    where spans.done_at is not null
),

span_days as (
    -- the last day is the day of the span's last instant (a span ending at midnight
    -- ends on the day before)
    select
        issue_id,
        span_start_at,
        span_end_at,
        cast(span_start_at as date) as first_day,
        cast({{ dbt.dateadd('microsecond', -1, 'span_end_at') }} as date) as last_day,
        cast(cast(span_start_at as date) as {{ dbt.type_timestamp() }}) as first_day_start_at,
        {{ dbt.dateadd(
            'day', 1,
            'cast(cast(' ~ dbt.dateadd('microsecond', -1, 'span_end_at') ~ ' as date) as ' ~ dbt.type_timestamp() ~ ')'
        ) }} as last_day_end_at
    from clamped_spans
    where span_end_at > span_start_at
),

weekday_seconds as (
    select
        span_days.issue_id,
        (
            last_days.weekdays_through - first_days.weekdays_through
            + case when first_days.is_weekday then 1 else 0 end
        ) * 86400
        - case
            when first_days.is_weekday
                then {{ dbt.datediff('span_days.first_day_start_at', 'span_days.span_start_at', 'second') }}
            else 0
        end
        - case
            when last_days.is_weekday
                then {{ dbt.datediff('span_days.span_end_at', 'span_days.last_day_end_at', 'second') }}
            else 0
        end as weekday_seconds
    from span_days
    inner join calendar_weekdays as first_days on span_days.first_day = first_days.date_day
    inner join calendar_weekdays as last_days on span_days.last_day = last_days.date_day
),

final as (
    select
        ---------- ids
        issues.issue_id,
        issues.issue_key,
        issues.project_key,
        issues.epic_key,
        ownership.team_name,
        issues.assignee_id,

        ---------- strings
        issues.issue_type,
        issues.status_category,
        case
            when issues.story_points is null or issues.story_points <= 0 then 'unsized'
            when issues.story_points <= 2 then 'S'
            when issues.story_points < 8 then 'M'
            else 'L'
        end as size_bucket,
        lower(issues.issue_type) || ':' || case
            when issues.story_points is null or issues.story_points <= 0 then 'unsized'
            when issues.story_points <= 2 then 'S'
            when issues.story_points < 8 then 'M'
            else 'L'
        end as task_class,
        {{ phase_of('cast(spans.done_at as date)', 'teams.reference_date') }} as phase,
        linked_pull_requests.ai_attribution_source,

        ---------- numerics
        issues.story_points,
        coalesce(linked_pull_requests.pull_request_count, 0) as pull_request_count,
        case
            when spans.done_at is not null
                then cast(coalesce(weekday_seconds.weekday_seconds, 0) as {{ type_double() }}) / 86400.0 * {{ var('focus_hours_per_day') }}
        end as task_effort_hours,

        ---------- booleans
        spans.done_at is not null as is_done,
        coalesce(linked_pull_requests.has_ai_assisted_pull_request, false) as is_ai_assisted,

        ---------- timestamps
        issues.created_at,
        spans.started_at,
        spans.done_at

    from issues
    left join spans on issues.issue_id = spans.issue_id
    left join weekday_seconds on issues.issue_id = weekday_seconds.issue_id
    left join ownership on issues.project_key = ownership.service_name
    left join teams on ownership.team_name = teams.team_name
    left join linked_pull_requests on issues.issue_key = linked_pull_requests.work_item_key
)

select * from final
