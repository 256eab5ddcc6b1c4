{#- Incremental (see README, Design decisions: incremental staging): a run re-stages the
    rows of the loads that arrived since the last build, keyed like the raw table. -#}
{{ config(
    materialized=incremental_materialized(),
    unique_key='review_comment_id',
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

source as (
    {{ raw_rows_since_last_build(optional_source('github', 'pull_request_review_comments')) }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        cast(id as bigint) as review_comment_id,
        repository_full_name,
        cast(pull_number as integer) as pull_number,
        {{ pseudonymize('user__login') }} as commenter_id,
        cast(in_reply_to_id as bigint) as in_reply_to_id,

        ---------- booleans
        coalesce(lower(user__type) = 'bot', false) as is_bot_account_type,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,

        ---------- load
        -- when this version of the row reached the warehouse (dlt load), for incremental models
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from deduplicated
)

select * from renamed
