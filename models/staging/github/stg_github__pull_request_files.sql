{#-
    Incremental (see README, Design decisions: incremental staging): dlt replaces a
    pull request's whole list when it reloads it (merge key repository + PR number),
    so a run deletes the staged rows of every re-read PR and inserts its current list.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key=['repository_full_name', 'pull_number'],
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

source as (
    {{ raw_rows_since_last_build(optional_source('github', 'pull_request_files')) }}
),

deduplicated as (
    {{ deduplicate('source', ['repository_full_name', 'pull_number', 'filename']) }}
),

renamed as (
    select
        ---------- ids
        repository_full_name,
        cast(pull_number as integer) as pull_number,
        filename as file_path,

        ---------- strings
        status as file_status,

        ---------- numerics
        cast(coalesce(additions, 0) as integer) as lines_added,
        cast(coalesce(deletions, 0) as integer) as lines_deleted,

        ---------- load
        -- when this version of the row reached the warehouse (dlt load), for incremental models
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from deduplicated
)

select * from renamed
