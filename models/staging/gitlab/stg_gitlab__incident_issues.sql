{#-
    Shaped like stg_github__incident_issues plus `platform`: issues carrying any of the
    source's incident_labels. issue_id: the GitLab id negated (never collides with
    GitHub's); issue_number: the iid; issue_state in GitHub's vocabulary (opened -> open).
    Opened = created_at, resolved = closed_at.
-#}
with

source as (
    select * from {{ optional_source('gitlab', 'incident_issues') }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        -1 * cast(id as bigint) as issue_id,
        repository_full_name,
        cast(iid as bigint) as issue_number,

        ---------- strings
        case lower(state) when 'opened' then 'open' else lower(state) end as issue_state,
        label_names,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,
        {{ to_utc('closed_at') }} as closed_at,
        {{ to_utc('updated_at') }} as updated_at,

        ---------- platform
        'gitlab' as platform

    from deduplicated
)

select * from renamed
