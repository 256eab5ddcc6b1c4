{#-
    docs/metrics.md, Layer 3: "Revenue-linked KPIs: monthly KPI series (revenue, conversion rate,
    churn rate, ...) from the business source; for each feature launch, KPI mean in the
    var('kpi_window_days', 30) days after vs before."

    The monthly KPI series spread over days: one row per product area, metric and calendar
    day, carrying its month's value, so a KPI mean over any window of days weights each
    month by the days it covers.
-#}
with

stg_files__kpis as (
    select * from {{ ref('stg_files__kpis') }}
),

int_calendar_days as (
    select * from {{ ref('int_calendar_days') }}
),

final as (
    select
        stg_files__kpis.product_area,
        stg_files__kpis.metric_name,
        int_calendar_days.date_day,
        stg_files__kpis.kpi_month,
        stg_files__kpis.kpi_value
    from stg_files__kpis
    inner join int_calendar_days on stg_files__kpis.kpi_month = int_calendar_days.month_start
)

select * from final
