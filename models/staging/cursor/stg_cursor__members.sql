{{ config(materialized='table') }}  {#- pseudonymised: a table, see macros/pseudonymize.sql -#}
with

source as (
    select * from {{ optional_source('cursor', 'members') }}
),

deduplicated as (
    {{ deduplicate('source', ['lower(trim(email))']) }}
),

renamed as (
    select
        ---------- ids
        {{ pseudonymize('email') }} as person_id,

        ---------- strings
        lower(role) as member_role,

        ---------- booleans
        coalesce(is_removed, false) as is_removed,

        ---------- load
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from deduplicated
)

select * from renamed
