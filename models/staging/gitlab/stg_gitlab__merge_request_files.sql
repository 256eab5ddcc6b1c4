{#-
    Shaped like stg_github__pull_request_files plus `platform`: line counts are counted by
    the source from each file's diff (GitLab's diffs endpoint has no counts; 0 when a diff
    was too large to count, as GitHub's missing counts).
    Incremental: dlt replaces a merge request's whole list when it reloads it, so a run
    deletes the staged rows of every re-read merge request and inserts its current list.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key=['repository_full_name', 'pull_number'],
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

source as (
    {{ raw_rows_since_last_build(optional_source('gitlab', 'merge_request_files')) }}
),

deduplicated as (
    {{ deduplicate('source', ['repository_full_name', 'merge_request_iid', 'new_path']) }}
),

renamed as (
    select
        ---------- ids
        repository_full_name,
        cast(merge_request_iid as integer) as pull_number,
        new_path as file_path,

        ---------- strings
        status as file_status,

        ---------- numerics
        cast(coalesce(additions, 0) as integer) as lines_added,
        cast(coalesce(deletions, 0) as integer) as lines_deleted,

        ---------- load
        -- when this version of the row reached the warehouse (dlt load), for incremental models
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at,

        ---------- platform
        'gitlab' as platform

    from deduplicated
)

select * from renamed
