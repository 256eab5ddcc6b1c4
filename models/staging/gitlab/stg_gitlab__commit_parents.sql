{#-
    Shaped like stg_github__commit_parents plus `platform`: dlt child table of commits, one
    row per (commit, parent) from GitLab's parent_ids.
    Incremental like stg_gitlab__commits: dlt replaces a commit's parents whenever it
    reloads the commit, so a run re-stages the parents of every re-read commit.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key=['repository_full_name', 'commit_sha'],
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

parents as (
    select * from {{ optional_source('gitlab', 'commits__parents') }}
),

commits as (
    {{ raw_rows_since_last_build(optional_source('gitlab', 'commits')) }}
),

renamed as (
    select
        commits.repository_full_name,
        commits.sha as commit_sha,
        parents.sha as parent_sha,
        cast(max({{ load_id_to_timestamp('commits._dlt_load_id') }}) as {{ dbt.type_timestamp() }}) as loaded_at,
        'gitlab' as platform
    from parents
    inner join commits
        on parents._dlt_parent_id = commits._dlt_id
    group by commits.repository_full_name, commits.sha, parents.sha
)

select * from renamed
