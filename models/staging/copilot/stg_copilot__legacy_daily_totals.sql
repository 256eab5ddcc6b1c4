{#-
    Legacy /copilot/metrics: totals per day summed over editors, models and languages
    (docs/metrics.md: "summed over editors, models and languages"). The nested lists arrive as
    dlt child tables, joined here to their parents by _dlt_parent_id.
-#}
with

days as (
    select * from {{ optional_source('copilot', 'legacy_metrics') }}
),

editors as (
    select * from {{ optional_source('copilot', 'legacy_metrics__copilot_ide_code_completions__editors') }}
),

models as (
    select * from {{ optional_source('copilot', 'legacy_metrics__copilot_ide_code_completions__editors__models') }}
),

languages as (
    select * from {{ optional_source('copilot', 'legacy_metrics__copilot_ide_code_completions__editors__models__languages') }}
),

latest_days as (
    {{ deduplicate('days', ['date']) }}
),

totals as (
    select
        latest_days.date,
        max(latest_days.total_active_users) as daily_active_users,
        sum(coalesce(languages.total_code_suggestions, 0)) as suggestions_shown,
        sum(coalesce(languages.total_code_acceptances, 0)) as suggestions_accepted,
        sum(coalesce(languages.total_code_lines_suggested, 0)) as lines_suggested,
        sum(coalesce(languages.total_code_lines_accepted, 0)) as lines_accepted
    from latest_days
    left join editors on editors._dlt_parent_id = latest_days._dlt_id
    left join models on models._dlt_parent_id = editors._dlt_id
    left join languages on languages._dlt_parent_id = models._dlt_id
    group by latest_days.date
),

renamed as (
    select
        cast(daily_active_users as integer) as daily_active_users,
        cast(suggestions_shown as bigint) as suggestions_shown,
        cast(suggestions_accepted as bigint) as suggestions_accepted,
        cast(lines_suggested as bigint) as lines_suggested,
        cast(lines_accepted as bigint) as lines_accepted,
        cast(date as date) as usage_date
    from totals
)

select * from renamed
