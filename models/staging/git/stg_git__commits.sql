{{ config(materialized='table') }}  {#- pseudonymised: a table, see macros/pseudonymize.sql -#}
with

source as (
    select * from {{ optional_source('git', 'commits') }}
),

deduplicated as (
    {{ deduplicate('source', ['repository', 'sha']) }}
),

renamed as (
    select
        ---------- ids
        repository as repository_full_name,
        sha as commit_sha,
        parent_shas,
        {{ pseudonymize('author_login') }} as author_id,

        ---------- timestamps
        {{ to_utc('author_date') }} as authored_at,
        {{ to_utc('committer_date') }} as committed_at,

        ---------- load
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from deduplicated
)

select * from renamed
