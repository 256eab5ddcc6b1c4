{#- Every interval of fct_headline_intervals has lower <= upper, and the net gain's bounds are
    the value's minus the exact AI cost. Rows returned break that. -#}
select *
from {{ ref('fct_headline_intervals') }}
where
    hours_saved_lower_90 > hours_saved_upper_90
    or value_of_hours_saved_usd_lower_90 > value_of_hours_saved_usd_upper_90
    or net_productivity_gain_usd_lower_90 > net_productivity_gain_usd_upper_90
    or roi_lower_90 > roi_upper_90
    or payback_month_lower_90 > payback_month_upper_90
    or net_productivity_gain_usd_lower_90 <> value_of_hours_saved_usd_lower_90 - ai_total_cost_usd
    or net_productivity_gain_usd_upper_90 <> value_of_hours_saved_usd_upper_90 - ai_total_cost_usd
