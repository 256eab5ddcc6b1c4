{#-
    docs/metrics.md, Layer 1: suggestions shown / accepted from "Copilot usage-metric reports'
    code_generation_activity_count / code_acceptance_activity_count summed over all features
    (the report's totals), legacy metrics' total_code_suggestions / total_code_acceptances
    summed over editors, models and languages (used only for days the new reports do not
    cover), or the generic usage file."

    Organisation-level usage, one row per AI tool and day, with the source used that day.
    Copilot, in order of precedence for a day:
    1. `copilot_organization_report` (organization-1-day: the report's totals);
    2. `copilot_user_report` (users-1-day summed), for a day with user rows but no org report;
    3. `copilot_legacy_metrics`, only for days neither new report covers.
    Other tools: the generic usage file summed per day (`ai_usage_file`).
    Legacy suggestions count code completions only (the new reports count every feature),
    so acceptance rates shift where the source changes; the `source` column says which.
-#}
with

stg_copilot__organization_daily_reports as (
    select * from {{ ref('stg_copilot__organization_daily_reports') }}
),

stg_copilot__legacy_daily_totals as (
    select * from {{ ref('stg_copilot__legacy_daily_totals') }}
),

int_ai_usage_person_days as (
    select * from {{ ref('int_ai_usage_person_days') }}
),

organization_report as (
    select
        'github_copilot' as ai_tool,
        usage_date,
        'copilot_organization_report' as source,
        1 as source_priority,
        cast(daily_active_users as bigint) as active_users,
        suggestions_shown,
        suggestions_accepted,
        lines_suggested,
        lines_accepted
    from stg_copilot__organization_daily_reports
),

person_level as (
    select
        ai_tool,
        usage_date,
        source,
        case when source = 'copilot_user_report' then 2 else 1 end as source_priority,
        cast(count(distinct case when is_active then person_id end) as bigint) as active_users,
        sum(suggestions_shown) as suggestions_shown,
        sum(suggestions_accepted) as suggestions_accepted,
        sum(lines_suggested) as lines_suggested,
        sum(lines_accepted) as lines_accepted
    from int_ai_usage_person_days
    group by ai_tool, usage_date, source
),

legacy as (
    select
        'github_copilot' as ai_tool,
        usage_date,
        'copilot_legacy_metrics' as source,
        3 as source_priority,
        cast(daily_active_users as bigint) as active_users,
        suggestions_shown,
        suggestions_accepted,
        lines_suggested,
        lines_accepted
    from stg_copilot__legacy_daily_totals
),

candidates as (
    select * from organization_report
    union all
    select * from person_level
    union all
    select * from legacy
),

ranked as (
    select
        *,
        row_number() over (partition by ai_tool, usage_date order by source_priority) as source_rank
    from candidates
),

final as (
    select
        ai_tool,
        usage_date,
        source,
        active_users,
        cast(suggestions_shown as bigint) as suggestions_shown,
        cast(suggestions_accepted as bigint) as suggestions_accepted,
        cast(lines_suggested as bigint) as lines_suggested,
        cast(lines_accepted as bigint) as lines_accepted
    from ranked
    where source_rank = 1
)

select * from final
