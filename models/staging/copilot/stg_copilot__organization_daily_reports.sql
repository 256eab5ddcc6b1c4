with

source as (
    select * from {{ source('copilot', 'organization_daily_reports') }}
),

deduplicated as (
    {{ deduplicate('source', ['day']) }}
),

renamed as (
    select
        ---------- numerics
        cast(daily_active_users as integer) as daily_active_users,
        cast(coalesce(code_generation_activity_count, 0) as bigint) as suggestions_shown,
        cast(coalesce(code_acceptance_activity_count, 0) as bigint) as suggestions_accepted,
        cast(coalesce(loc_suggested_to_add_sum, 0) as bigint) as lines_suggested,
        cast(coalesce(loc_added_sum, 0) as bigint) as lines_accepted,

        ---------- dates
        cast(day as date) as usage_date

    from deduplicated
)

select * from renamed
