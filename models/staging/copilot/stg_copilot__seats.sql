{{ config(materialized='table') }}  {#- pseudonymised: a table, see macros/pseudonymize.sql -#}
with

source as (
    select * from {{ optional_source('copilot', 'seats') }}
),

deduplicated as (
    {{ deduplicate('source', ['assignee__login']) }}
),

renamed as (
    select
        ---------- ids
        {{ pseudonymize('assignee__login') }} as person_id,

        ---------- strings
        plan_type,
        last_activity_editor,

        ---------- timestamps
        {{ to_utc('created_at') }} as seat_created_at,
        {{ to_utc('last_activity_at') }} as last_activity_at,
        cast(pending_cancellation_date as date) as pending_cancellation_date

    from deduplicated
)

select * from renamed
