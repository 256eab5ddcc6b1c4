{#- Person identifiers pseudonymised; display names are not passed on. -#}
{{ config(materialized='table') }}  {#- pseudonymised: a table, see macros/pseudonymize.sql -#}
with

source as (
    select * from {{ optional_source('files', 'roster') }}
),

deduplicated as (
    {{ deduplicate('source', ['login', 'valid_from']) }}
),

renamed as (
    select
        ---------- ids
        {{ pseudonymize('login') }} as person_id,
        team as team_name,

        ---------- strings
        lower(role) as role,

        ---------- booleans
        coalesce(is_bot, false) as is_bot,

        ---------- dates
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to

    from deduplicated
)

select * from renamed
