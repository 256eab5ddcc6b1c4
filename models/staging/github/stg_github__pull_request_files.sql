with

source as (
    select * from {{ source('github', 'pull_request_files') }}
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
        cast(coalesce(deletions, 0) as integer) as lines_deleted

    from deduplicated
)

select * from renamed
