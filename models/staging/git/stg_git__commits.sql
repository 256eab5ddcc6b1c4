{%- set raw_columns = {
    'repository': 'varchar',
    'sha': 'varchar',
    'parent_shas': 'varchar',
    'author_login': 'varchar',
    'author_date': 'timestamptz',
    'committer_date': 'timestamptz',
    'message': 'varchar',
    '_dlt_load_id': 'varchar',
    '_dlt_id': 'varchar',
} -%}

with

source as (
    select * from {{ optional_source('git', 'commits', raw_columns) }}
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
        {{ to_utc('committer_date') }} as committed_at

    from deduplicated
)

select * from renamed
