with

source as (
    select * from {{ optional_source('files', 'deployment_rules') }}
),

deduplicated as (
    {{ deduplicate('source', ['repository']) }}
),

renamed as (
    select
        ---------- ids
        repository as repository_full_name,

        ---------- strings
        lower(trim(deployment_source)) as deployment_source,
        nullif(trim(workflow_pattern), '') as workflow_pattern,
        nullif(trim(branch), '') as branch_name,
        nullif(trim(tag_pattern), '') as tag_pattern,

        ---------- booleans
        coalesce(include_prereleases, false) as include_prereleases

    from deduplicated
)

select * from renamed
