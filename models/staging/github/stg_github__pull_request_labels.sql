{#-
    dlt child table: labels hang off their pull request row via _dlt_parent_id.
    Joining a child table to its own parent is part of reading the source, not
    modelling, so it happens here (dlt's merge keeps only current child rows).
-#}
with

labels as (
    select * from {{ optional_source('github', 'pull_requests__labels') }}
),

pull_requests as (
    select * from {{ optional_source('github', 'pull_requests') }}
),

renamed as (
    select distinct
        cast(pull_requests.id as bigint) as pull_request_id,
        lower(labels.name) as label_name
    from labels
    inner join pull_requests
        on labels._dlt_parent_id = pull_requests._dlt_id
    where labels.name is not null
)

select * from renamed
