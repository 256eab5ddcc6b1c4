{#-
    docs/metrics.md, Layer 3: "Cost per feature: a feature is a work-item epic (or a row of the
    features source)."

    One row per feature: every Jira epic, every epic key that tasks point to without the
    epic itself being loaded, and every row of feature_launches (matched on feature_key =
    epic key). Carries the feature's team (the epic's, else its tasks' owning team), when
    it was created (the epic's created_at, else its first task's), when the epic was done,
    and the business launch date and product area when the launches file gives them.
-#}
with

int_work_items_enriched as (
    select * from {{ ref('int_work_items_enriched') }}
),

stg_files__feature_launches as (
    select * from {{ ref('stg_files__feature_launches') }}
),

epics as (
    select
        issue_key as feature_key,
        team_name,
        created_at,
        done_at
    from int_work_items_enriched
    where lower(issue_type) = 'epic'
),

task_epics as (
    select
        epic_key as feature_key,
        min(team_name) as team_name,
        min(created_at) as created_at
    from int_work_items_enriched
    where epic_key is not null and lower(issue_type) <> 'epic'
    group by epic_key
),

feature_keys as (
    select feature_key from epics
    union
    select feature_key from task_epics
    union
    select feature_key from stg_files__feature_launches
),

final as (
    select
        ---------- ids
        feature_keys.feature_key,
        coalesce(epics.team_name, task_epics.team_name) as team_name,

        ---------- strings
        stg_files__feature_launches.feature_name,
        coalesce(stg_files__feature_launches.product_area, 'all') as product_area,

        ---------- booleans
        epics.feature_key is not null as has_epic,
        stg_files__feature_launches.feature_key is not null as has_launch,

        ---------- timestamps
        coalesce(epics.created_at, task_epics.created_at) as feature_created_at,
        epics.done_at as epic_done_at,
        stg_files__feature_launches.launch_date

    from feature_keys
    left join epics on feature_keys.feature_key = epics.feature_key
    left join task_epics on feature_keys.feature_key = task_epics.feature_key
    left join stg_files__feature_launches on feature_keys.feature_key = stg_files__feature_launches.feature_key
)

select * from final
