{#- Incremental (see README, Design decisions: incremental staging): a run re-stages the
    rows of the loads that arrived since the last build, keyed like the raw table. -#}
{{ config(
    materialized=incremental_materialized(),
    unique_key=['repository_full_name', 'commit_sha'],
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

source as (
    {{ raw_rows_since_last_build(optional_source('github', 'commits')) }}
),

deduplicated as (
    {{ deduplicate('source', ['repository_full_name', 'sha']) }}
),

renamed as (
    select
        ---------- ids
        repository_full_name,
        sha as commit_sha,
        {{ pseudonymize('author__login') }} as author_id,

        ---------- timestamps
        {{ to_utc('commit__author__date') }} as authored_at,
        {{ to_utc('commit__committer__date') }} as committed_at,

        ---------- load
        -- when this version of the row reached the warehouse (dlt load), for incremental models
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from deduplicated
)

select * from renamed
