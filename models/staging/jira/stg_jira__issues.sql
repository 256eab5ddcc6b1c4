{{ config(materialized='table') }}  {#- pseudonymised: a table, see macros/pseudonymize.sql -#}
with

source as (
    select * from {{ optional_source('jira', 'issues') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        cast(id as bigint) as issue_id,
        key as issue_key,
        project_key,
        coalesce(epic_key, parent_key) as epic_key,
        {{ pseudonymize('assignee_account_id') }} as assignee_id,

        ---------- strings
        issue_type,
        status as issue_status,
        status_category,

        ---------- numerics
        cast(story_points as {{ type_double() }}) as story_points,

        ---------- timestamps
        {{ to_utc('created') }} as created_at,
        {{ to_utc('updated') }} as updated_at,
        {{ to_utc('resolutiondate') }} as resolved_at

    from deduplicated
)

select * from renamed
