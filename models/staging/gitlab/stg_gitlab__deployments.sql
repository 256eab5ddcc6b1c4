{#-
    Shaped like stg_github__deployments plus `platform`. deployment_id: the GitLab id
    negated (never collides with a GitHub id). environment: lower-case name, except that
    an environment of GitLab's production tier is 'production' (so the production filter,
    var('production_environments'), keeps it whatever its name). deployment_task: the
    name of the CI job that deployed.
    Incremental (see README, Design decisions: incremental staging): a run re-stages the
    rows of the loads that arrived since the last build, keyed like the raw table.
-#}
{{ config(
    materialized=incremental_materialized(),
    unique_key='deployment_id',
    incremental_strategy=incremental_strategy(),
    on_schema_change='append_new_columns'
) }}

with

source as (
    {{ raw_rows_since_last_build(optional_source('gitlab', 'deployments')) }}
),

deduplicated as (
    {{ deduplicate('source', ['id']) }}
),

renamed as (
    select
        ---------- ids
        -1 * cast(id as bigint) as deployment_id,
        repository_full_name,
        sha as deployed_sha,

        ---------- strings
        ref as deployed_ref,
        case
            when lower(environment_tier) = 'production' then 'production'
            else lower(environment)
        end as environment,
        deployable__name as deployment_task,

        ---------- timestamps
        {{ to_utc('created_at') }} as created_at,

        ---------- load
        -- when this version of the row reached the warehouse (dlt load), for incremental models
        cast({{ load_id_to_timestamp('_dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at,

        ---------- platform
        'gitlab' as platform

    from deduplicated
)

select * from renamed
