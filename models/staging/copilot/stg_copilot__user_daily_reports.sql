{{ config(materialized='table') }}  {#- pseudonymised: a table, see macros/pseudonymize.sql -#}
with

source as (
    select * from {{ optional_source('copilot', 'user_daily_reports') }}
),

by_feature as (
    select * from {{ optional_source('copilot', 'user_daily_reports__totals_by_feature') }}
),

deduplicated as (
    {{ deduplicate('source', ['day', 'user_login']) }}
),

-- a report's per-feature breakdown, summed: its figures when the top-level totals are absent
feature_sums as (
    select
        _dlt_parent_id,
        sum(code_generation_activity_count) as code_generation_activity_count,
        sum(code_acceptance_activity_count) as code_acceptance_activity_count,
        sum(loc_suggested_to_add_sum) as loc_suggested_to_add_sum,
        sum(loc_added_sum) as loc_added_sum,
        sum(user_initiated_interaction_count) as user_initiated_interaction_count
    from by_feature
    group by _dlt_parent_id
),

renamed as (
    select
        ---------- ids
        {{ pseudonymize('deduplicated.user_login') }} as person_id,

        ---------- numerics
        cast(coalesce(deduplicated.code_generation_activity_count, feature_sums.code_generation_activity_count) as bigint)
            as suggestions_shown,
        cast(coalesce(deduplicated.code_acceptance_activity_count, feature_sums.code_acceptance_activity_count) as bigint)
            as suggestions_accepted,
        cast(coalesce(deduplicated.loc_suggested_to_add_sum, feature_sums.loc_suggested_to_add_sum) as bigint) as lines_suggested,
        cast(coalesce(deduplicated.loc_added_sum, feature_sums.loc_added_sum) as bigint) as lines_accepted,
        cast(coalesce(deduplicated.user_initiated_interaction_count, feature_sums.user_initiated_interaction_count) as bigint)
            as interactions,

        ---------- booleans
        coalesce(deduplicated.used_chat, false) as used_chat,
        coalesce(deduplicated.used_agent, false) as used_agent,

        ---------- dates
        cast(deduplicated.day as date) as usage_date,

        ---------- load
        cast({{ load_id_to_timestamp('deduplicated._dlt_load_id') }} as {{ dbt.type_timestamp() }}) as loaded_at

    from deduplicated
    left join feature_sums on deduplicated._dlt_id = feature_sums._dlt_parent_id
)

select * from renamed
