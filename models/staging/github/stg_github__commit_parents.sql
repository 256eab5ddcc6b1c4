{#- dlt child table of commits: one row per (commit, parent). -#}
with

parents as (
    select * from {{ source('github', 'commits__parents') }}
),

commits as (
    select * from {{ source('github', 'commits') }}
),

renamed as (
    select distinct
        commits.repository_full_name,
        commits.sha as commit_sha,
        parents.sha as parent_sha
    from parents
    inner join commits
        on parents._dlt_parent_id = commits._dlt_id
)

select * from renamed
