{#-
    The calendar days inside the observation window (int_observation_window), with their
    ISO week, month and quarter: the one spine that weekly, monthly and daily facts are
    built on, so periods after the last observed activity are never reported as zeros.
-#}
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

observation as (
    select * from {{ ref('int_observation_window') }}
),

final as (
    select calendar.*
    from calendar
    inner join observation
        on calendar.date_day >= observation.observation_start_date
        and calendar.date_day <= observation.observation_end_date
)

select * from final
