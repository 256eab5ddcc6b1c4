{#-
    docs/metrics.md, Layer 3: "Net productivity gain = value of hours saved - AI total cost, per
    team-month and org-month, with cumulative sums, roi = net_productivity_gain /
    ai_total_cost, and the payback month (first month where cumulative gain >= 0)."

    The one definition of the running totals, used by fct_net_productivity_team_monthly and
    fct_net_productivity_org_monthly. Emits two CTEs, `running` and `paid_back`, over
    `source_cte`, which must have month_start, value_of_hours_saved_usd (null when the
    estimate is unknown), ai_total_cost_usd and net_productivity_gain_usd.
    - cumulative sums run over months in order; a month with an unknown estimate adds
      nothing to the cumulative value and gain;
    - payback_month: the first month where some AI cost has been incurred (cumulative cost
      > 0) and the cumulative gain is >= 0; null when that has not happened yet (a team
      that never spent anything has no payback month).
-#}
{% macro net_productivity_running_totals(source_cte, partition_by=none) -%}
{%- set window_partition = 'partition by ' ~ partition_by if partition_by else '' -%}
running as (
    select
        {{ source_cte }}.*,
        sum(value_of_hours_saved_usd) over (
            {{ window_partition }} order by month_start rows between unbounded preceding and current row
        ) as cumulative_value_of_hours_saved_usd,
        sum(ai_total_cost_usd) over (
            {{ window_partition }} order by month_start rows between unbounded preceding and current row
        ) as cumulative_ai_total_cost_usd,
        sum(net_productivity_gain_usd) over (
            {{ window_partition }} order by month_start rows between unbounded preceding and current row
        ) as cumulative_net_productivity_gain_usd,
        {{ safe_divide('net_productivity_gain_usd', 'ai_total_cost_usd') }} as roi
    from {{ source_cte }}
),

paid_back as (
    select
        running.*,
        min(
            case
                when cumulative_ai_total_cost_usd > 0 and cumulative_net_productivity_gain_usd >= 0 then month_start
            end
        ) over ({{ window_partition }}) as payback_month
    from running
)
{%- endmacro %}
