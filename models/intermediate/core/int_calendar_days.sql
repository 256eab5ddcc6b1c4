{#- One row per calendar day between var('calendar_start_date') and var('calendar_end_date'). -#}
with

-- dbt's own date_spine renders several select targets on one line (LT09, `make lint-macros`)
-- noqa: disable=LT09
spine as (
    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('" ~ var('calendar_start_date') ~ "' as date)",
        end_date="cast('" ~ var('calendar_end_date') ~ "' as date)"
    ) }}
),
-- noqa: enable=LT09

final as (
    select
        cast(date_day as date) as date_day,
        {{ week_start('date_day') }} as week_start,
        {{ month_start('date_day') }} as month_start,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
        cast({{ iso_day_of_week('date_day') }} as integer) as iso_day_of_week,
        {{ iso_day_of_week('date_day') }} < 6 as is_weekday
    from spine
)

select * from final
