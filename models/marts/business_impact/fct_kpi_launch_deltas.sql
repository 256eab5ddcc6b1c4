{#-
    docs/metrics.md, Layer 3: "Revenue-linked KPIs: monthly KPI series (revenue, conversion rate,
    churn rate, ...) from the business source; for each feature launch, KPI mean in the
    var('kpi_window_days', 30) days after vs before. Labelled correlational."

    One row per launched feature and KPI of its product area: the mean daily KPI value
    (int_kpis_daily: each day carries its month's value) over the var('kpi_window_days')
    days from the launch date on ([launch, launch + N)) and over the same number of days
    before it ([launch - N, launch)), with the days that had a value in each window, the
    delta and the relative delta. A KPI moves for many reasons: is_correlational is always
    true, and this is no causal estimate.
-#}
{%- set window_days = var('kpi_window_days') -%}
with

int_features as (
    select * from {{ ref('int_features') }}
),

int_kpis_daily as (
    select * from {{ ref('int_kpis_daily') }}
),

launches as (
    select
        feature_key,
        product_area,
        launch_date,
        cast({{ dbt.dateadd('day', -1 * window_days, 'launch_date') }} as date) as before_start_date,
        cast({{ dbt.dateadd('day', window_days, 'launch_date') }} as date) as after_end_date
    from int_features
    where launch_date is not null
),

windowed as (
    select
        launches.feature_key,
        launches.product_area,
        launches.launch_date,
        int_kpis_daily.metric_name,
        count(case when int_kpis_daily.date_day < launches.launch_date then int_kpis_daily.kpi_value end) as days_before,
        count(case when int_kpis_daily.date_day >= launches.launch_date then int_kpis_daily.kpi_value end) as days_after,
        avg(case when int_kpis_daily.date_day < launches.launch_date then int_kpis_daily.kpi_value end) as kpi_mean_before,
        avg(case when int_kpis_daily.date_day >= launches.launch_date then int_kpis_daily.kpi_value end) as kpi_mean_after
    from launches
    inner join int_kpis_daily
        on launches.product_area = int_kpis_daily.product_area
        and int_kpis_daily.date_day >= launches.before_start_date
        and int_kpis_daily.date_day < launches.after_end_date
    group by launches.feature_key, launches.product_area, launches.launch_date, int_kpis_daily.metric_name
),

final as (
    select
        cast(feature_key as {{ dbt.type_string() }}) as feature_key,
        cast(metric_name as {{ dbt.type_string() }}) as metric_name,
        cast(product_area as {{ dbt.type_string() }}) as product_area,
        cast(launch_date as date) as launch_date,
        cast({{ window_days }} as integer) as window_days,
        cast(days_before as bigint) as days_before,
        cast(days_after as bigint) as days_after,
        cast(kpi_mean_before as {{ type_double() }}) as kpi_mean_before,
        cast(kpi_mean_after as {{ type_double() }}) as kpi_mean_after,
        cast(kpi_mean_after - kpi_mean_before as {{ type_double() }}) as kpi_delta,
        cast({{ safe_divide('kpi_mean_after - kpi_mean_before', 'kpi_mean_before') }} as {{ type_double() }}) as kpi_delta_pct,
        true as is_correlational
    from windowed
)

select * from final
