{{ config(materialized='table') }}

with

source as (
    select * from {{ optional_source('files', 'identity_map') }}
),

deduplicated as (
    {{ deduplicate('source', ['identity']) }}
),

renamed as (
    select
        ---------- ids
        {{ pseudonymize('identity') }} as identity_id,
        {{ pseudonymize('login') }} as person_id,

        ---------- strings
        lower(tool) as ai_tool

    from deduplicated
)

select * from renamed
