{#-
    docs/metrics.md, Layer 1: "Suggestions shown / accepted: ... Copilot usage-metric reports'
    code_generation_activity_count / code_acceptance_activity_count summed over all features
    (the report's totals), legacy metrics' total_code_suggestions / total_code_acceptances
    summed over editors, models and languages (used only for days the new reports do not
    cover), or the generic usage file. acceptance_rate = accepted / shown; ...
    lines_acceptance_rate = lines_accepted / lines_suggested."

    AI tool usage for the whole organisation per day and tool, with the source used that
    day (int_ai_usage_org_daily): the only grain that covers Copilot days before the
    per-user reports. Org-level counts are not person-derived at team size, so they are not
    suppressed.
-#}
with

int_ai_usage_org_daily as (
    select * from {{ ref('int_ai_usage_org_daily') }}
),

final as (
    select
        cast(usage_date as date) as usage_date,
        cast(ai_tool as {{ dbt.type_string() }}) as ai_tool,
        cast(source as {{ dbt.type_string() }}) as source,
        cast(active_users as bigint) as active_users,
        cast(suggestions_shown as bigint) as suggestions_shown,
        cast(suggestions_accepted as bigint) as suggestions_accepted,
        cast({{ safe_divide('suggestions_accepted', 'suggestions_shown') }} as {{ type_double() }}) as acceptance_rate,
        cast(lines_suggested as bigint) as lines_suggested,
        cast(lines_accepted as bigint) as lines_accepted,
        cast({{ safe_divide('lines_accepted', 'lines_suggested') }} as {{ type_double() }}) as lines_acceptance_rate
    from int_ai_usage_org_daily
)

select * from final
