{#-
    Shaped like stg_github__pull_request_labels plus `platform`. dlt child table: labels
    hang off their merge request row via _dlt_parent_id (dlt's merge keeps only current
    child rows). pull_request_id as in stg_gitlab__merge_requests (negated GitLab id).
-#}
with

labels as (
    select * from {{ optional_source('gitlab', 'merge_requests__labels') }}
),

merge_requests as (
    select * from {{ optional_source('gitlab', 'merge_requests') }}
),

renamed as (
    select distinct
        -1 * cast(merge_requests.id as bigint) as pull_request_id,
        lower(labels.name) as label_name,
        'gitlab' as platform
    from labels
    inner join merge_requests
        on labels._dlt_parent_id = merge_requests._dlt_id
    where labels.name is not null
)

select * from renamed
