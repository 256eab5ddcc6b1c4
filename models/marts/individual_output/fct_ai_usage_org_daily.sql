{#-
    docs/metrics.md, Layer 1: "Suggestions shown / accepted: ... Copilot usage-metric reports'
    code_generation_activity_count / code_acceptance_activity_count summed over all features
    (the report's totals), legacy metrics' total_code_suggestions / total_code_acceptances
    summed over editors, models and languages (used only for days the new reports do not
    cover), or the generic usage file. acceptance_rate = accepted / shown; ...
    lines_acceptance_rate = lines_accepted / lines_suggested."

    AI tool usage for the whole organisation per day and tool, with the source used that
    day (int_ai_usage_org_daily): the only grain that covers Copilot days before the
    per-user reports. The vendors' org totals name no person, but a day with one active
    user is that person's usage: every figure is null unless var('min_group_size') users
    were active (active_users, the people behind the day; suppress_small_cell).
-#}
with

int_ai_usage_org_daily as (
    select * from {{ ref('int_ai_usage_org_daily') }}
),

rated as (
    select
        *,
        {{ safe_divide('suggestions_accepted', 'suggestions_shown') }} as acceptance_rate,
        {{ safe_divide('lines_accepted', 'lines_suggested') }} as lines_acceptance_rate
    from int_ai_usage_org_daily
),

{%- set cells = [
    ('suggestions_shown', 'bigint'), ('suggestions_accepted', 'bigint'), ('acceptance_rate', type_double()),
    ('lines_suggested', 'bigint'), ('lines_accepted', 'bigint'), ('lines_acceptance_rate', type_double()),
] %}

final as (
    select
        cast(usage_date as date) as usage_date,
        cast(ai_tool as {{ dbt.type_string() }}) as ai_tool,
        cast(source as {{ dbt.type_string() }}) as source,
        {%- for column, data_type in cells %}
            cast({{ suppress_small_cell(column, 'active_users') }} as {{ data_type }}) as {{ column }},
        {%- endfor %}
        cast(active_users as bigint) as active_users
    from rated
)

select * from final
