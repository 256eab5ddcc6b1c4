with

source as (
    select * from {{ optional_source('incidents', 'incidents') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        id as incident_id,
        cast(incident_number as bigint) as incident_number,
        service__id as service_id,
        deployment_reference,
        commit_reference,

        ---------- strings
        service__summary as service_name,
        status as incident_status,
        urgency,

        ---------- timestamps
        {{ to_utc('created_at') }} as started_at,
        {{ to_utc('resolved_at') }} as resolved_at

    from deduplicated
)

select * from renamed
