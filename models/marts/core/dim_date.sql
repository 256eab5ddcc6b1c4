{#- The calendar: one row per day with its ISO week, month and quarter. -#}
with

calendar as (
    select * from {{ ref('int_calendar_days') }}
)

select * from calendar
