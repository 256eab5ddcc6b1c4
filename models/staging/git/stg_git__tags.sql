{%- set raw_columns = {
    'repository': 'varchar',
    'name': 'varchar',
    'target_sha': 'varchar',
    'tagged_at': 'timestamptz',
    '_dlt_load_id': 'varchar',
    '_dlt_id': 'varchar',
} -%}

with

source as (
    select * from {{ optional_source('git', 'tags', raw_columns) }}
),

deduplicated as (
    {{ deduplicate('source', ['repository', 'name']) }}
),

renamed as (
    select
        repository as repository_full_name,
        name as tag_name,
        target_sha,
        {{ to_utc('tagged_at') }} as tagged_at
    from deduplicated
)

select * from renamed
