{#-
    docs/metrics.md, Layer 3: "Cost per feature: a feature is a work-item epic (or a row of the
    features source). Cost = effort hours of its tasks x loaded rate + AI cost allocated by
    effort share. Published for features done in each month, AI-assisted share alongside."
    "Time to market: feature created -> first successful production deployment that carries
    the last of its linked PRs (or the launch date when the business source gives one), in
    days."

    One row per feature (int_features), done or not:
    - labour_cost_usd: each done task's task_effort_hours x its team's loaded hourly cost on
      the done date (int_team_loaded_rates_daily);
    - ai_cost_usd: each done task's share of its team-month AI total cost
      (int_ai_tco_team_monthly), by effort share = task effort / effort of all the team's
      tasks done that month (epics excluded); AI cost of months in which a team finishes no
      task reaches no feature;
    - ai_assisted_share = AI-assisted done tasks / done tasks (effort share alongside);
    - done_at: the epic's done date; for a feature without an epic issue, its last task's
      done date once all its tasks are done; done_month is its month;
    - time to market, from feature_created_at to the launch date when feature_launches
      gives one (`feature_launch`), else to the deployment of the last of its linked merged
      PRs (PRs whose work-item key is one of its tasks or the feature itself), once the
      feature is done and every linked merged PR is deployed (`deployment`).
    Privacy: effort and cost rest on the hours of the people who did the tasks, so tasks,
    effort, shares and costs are null unless var('min_group_size') distinct assignees of its
    done tasks stand behind the feature (assignees; suppress_small_cell).
-#}
with

int_features as (
    select * from {{ ref('int_features') }}
),

int_work_items_enriched as (
    select * from {{ ref('int_work_items_enriched') }}
),

int_team_loaded_rates_daily as (
    select * from {{ ref('int_team_loaded_rates_daily') }}
),

int_pull_requests_with_cycle_stages as (
    select * from {{ ref('int_pull_requests_with_cycle_stages') }}
),

int_ai_tco_team_monthly as (
    select * from {{ ref('int_ai_tco_team_monthly') }}
),

tasks as (
    select
        issue_key,
        epic_key,
        team_name,
        is_done,
        is_ai_assisted,
        assignee_id,
        task_effort_hours,
        done_at,
        {{ month_start('done_at') }} as done_month
    from int_work_items_enriched
    where lower(issue_type) <> 'epic'
),

team_month_effort as (
    select
        team_name,
        done_month,
        sum(task_effort_hours) as team_effort_hours
    from tasks
    where is_done and task_effort_hours is not null and team_name is not null
    group by team_name, done_month
),

feature_tasks as (
    select
        tasks.*,
        int_team_loaded_rates_daily.loaded_hourly_cost_usd,
        -- to a decimal per task: the sums below are then exact on every engine (a double sum
        -- can land on either side of a half cent)
        cast(tasks.task_effort_hours * int_team_loaded_rates_daily.loaded_hourly_cost_usd as decimal(18, 6))
            as labour_cost_usd,
        cast(int_ai_tco_team_monthly.ai_total_cost_usd as {{ type_double() }})
        * tasks.task_effort_hours / nullif(team_month_effort.team_effort_hours, 0) as ai_cost_usd
    from tasks
    left join int_team_loaded_rates_daily
        on tasks.team_name = int_team_loaded_rates_daily.team_name
        and cast(tasks.done_at as date) = int_team_loaded_rates_daily.date_day
    left join team_month_effort
        on tasks.team_name = team_month_effort.team_name
        and tasks.done_month = team_month_effort.done_month
    left join int_ai_tco_team_monthly
        on tasks.team_name = int_ai_tco_team_monthly.team_name
        and tasks.done_month = int_ai_tco_team_monthly.month_start
    where tasks.epic_key is not null
),

feature_work as (
    select
        epic_key as feature_key,
        count(*) as tasks,
        count(distinct case when is_done then assignee_id end) as assignees,
        sum(case when is_done then 1 else 0 end) as tasks_done,
        sum(case when is_done and is_ai_assisted then 1 else 0 end) as ai_assisted_tasks_done,
        sum(case when is_done then task_effort_hours else 0 end) as effort_hours,
        sum(case when is_done and is_ai_assisted then task_effort_hours else 0 end) as ai_assisted_effort_hours,
        sum(case when is_done then labour_cost_usd else 0 end) as labour_cost_usd,
        sum(case when is_done then ai_cost_usd else 0 end) as ai_cost_usd,
        max(done_at) as last_task_done_at
    from feature_tasks
    group by epic_key
),

linked_pull_requests as (
    -- PRs referencing one of the feature's tasks, or the feature key itself
    select
        int_pull_requests_with_cycle_stages.pull_request_id,
        int_pull_requests_with_cycle_stages.deployed_at,
        coalesce(tasks.epic_key, int_features.feature_key) as feature_key
    from int_pull_requests_with_cycle_stages
    left join tasks on int_pull_requests_with_cycle_stages.work_item_key = tasks.issue_key
    left join int_features on int_pull_requests_with_cycle_stages.work_item_key = int_features.feature_key
    where
        int_pull_requests_with_cycle_stages.is_merged
        and coalesce(tasks.epic_key, int_features.feature_key) is not null
),

feature_deployments as (
    select
        feature_key,
        count(*) as linked_pull_requests_merged,
        count(deployed_at) as linked_pull_requests_deployed,
        max(deployed_at) as last_pull_request_deployed_at
    from linked_pull_requests
    group by feature_key
),

joined as (
    select
        int_features.*,
        coalesce(feature_work.tasks, 0) as tasks,
        coalesce(feature_work.assignees, 0) as assignees,
        coalesce(feature_work.tasks_done, 0) as tasks_done,
        coalesce(feature_work.ai_assisted_tasks_done, 0) as ai_assisted_tasks_done,
        coalesce(feature_work.effort_hours, 0) as effort_hours,
        coalesce(feature_work.ai_assisted_effort_hours, 0) as ai_assisted_effort_hours,
        round(coalesce(feature_work.labour_cost_usd, 0), 2) as labour_cost_usd,
        round(coalesce(feature_work.ai_cost_usd, 0), 2) as ai_cost_usd,
        coalesce(feature_deployments.linked_pull_requests_merged, 0) as linked_pull_requests_merged,
        coalesce(feature_deployments.linked_pull_requests_deployed, 0) as linked_pull_requests_deployed,
        feature_deployments.last_pull_request_deployed_at,
        case
            when int_features.has_epic then int_features.epic_done_at
            when feature_work.tasks > 0 and feature_work.tasks = feature_work.tasks_done then feature_work.last_task_done_at
        end as done_at
    from int_features
    left join feature_work on int_features.feature_key = feature_work.feature_key
    left join feature_deployments on int_features.feature_key = feature_deployments.feature_key
),

to_market as (
    select
        *,
        case
            when launch_date is not null then cast(launch_date as {{ dbt.type_timestamp() }})
            when
                done_at is not null
                and linked_pull_requests_merged > 0
                and linked_pull_requests_deployed = linked_pull_requests_merged
                then last_pull_request_deployed_at
        end as reached_market_at,
        case
            when launch_date is not null then 'feature_launch'
            when
                done_at is not null
                and linked_pull_requests_merged > 0
                and linked_pull_requests_deployed = linked_pull_requests_merged
                then 'deployment'
        end as time_to_market_source
    from joined
),

final as (
    select
        cast(feature_key as {{ dbt.type_string() }}) as feature_key,
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(feature_name as {{ dbt.type_string() }}) as feature_name,
        cast(product_area as {{ dbt.type_string() }}) as product_area,
        has_epic,
        has_launch,
        done_at is not null as is_done,
        cast(feature_created_at as {{ dbt.type_timestamp() }}) as feature_created_at,
        cast(done_at as {{ dbt.type_timestamp() }}) as done_at,
        cast({{ month_start('done_at') }} as date) as done_month,
        cast(launch_date as date) as launch_date,
        cast(assignees as bigint) as assignees,
        {#- effort and cost rest on the assignees' hours: null below var('min_group_size') of them #}
        cast({{ suppress_small_cell('tasks', 'assignees') }} as bigint) as tasks,
        cast({{ suppress_small_cell('tasks_done', 'assignees') }} as bigint) as tasks_done,
        cast({{ suppress_small_cell('ai_assisted_tasks_done', 'assignees') }} as bigint) as ai_assisted_tasks_done,
        cast({{ suppress_small_cell(safe_divide('ai_assisted_tasks_done', 'tasks_done'), 'assignees') }} as {{ type_double() }})
            as ai_assisted_share,
        cast({{ suppress_small_cell('effort_hours', 'assignees') }} as {{ type_double() }}) as effort_hours,
        cast({{ suppress_small_cell('ai_assisted_effort_hours', 'assignees') }} as {{ type_double() }}) as ai_assisted_effort_hours,
        cast({{ suppress_small_cell(safe_divide('ai_assisted_effort_hours', 'effort_hours'), 'assignees') }} as {{ type_double() }})
            as ai_assisted_effort_share,
        cast({{ suppress_small_cell('labour_cost_usd', 'assignees') }} as decimal(18, 2)) as labour_cost_usd,
        cast({{ suppress_small_cell('ai_cost_usd', 'assignees') }} as decimal(18, 2)) as ai_cost_usd,
        cast({{ suppress_small_cell('labour_cost_usd + ai_cost_usd', 'assignees') }} as decimal(18, 2)) as feature_cost_usd,
        cast(linked_pull_requests_merged as bigint) as linked_pull_requests_merged,
        cast(linked_pull_requests_deployed as bigint) as linked_pull_requests_deployed,
        cast(last_pull_request_deployed_at as {{ dbt.type_timestamp() }}) as last_pull_request_deployed_at,
        cast(reached_market_at as {{ dbt.type_timestamp() }}) as reached_market_at,
        cast(time_to_market_source as {{ dbt.type_string() }}) as time_to_market_source,
        cast({{ hours_between('feature_created_at', 'reached_market_at') }} / 24.0 as {{ type_double() }})
            as time_to_market_days
    from to_market
)

select * from final
