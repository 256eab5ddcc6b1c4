{#-
    The bootstrap's replicate 0 (int_ai_hours_saved_bootstrap.py) re-implements the hours-saved
    rule of int_ai_task_hours_saved in Python; per team and month it must give the SQL model's
    hours and value (over tasks with a saving), so the two stay one definition. Rows returned
    are the team-months where they differ.
-#}
{%- set method = var('hours_saved_method') -%}
{%- if method in ('measured', 'measured_control_adjusted') %}
    with

    point as (
        select
            scope_name as team_name,
            month_start,
            hours_saved,
            value_of_hours_saved_usd
        from {{ ref('int_ai_hours_saved_bootstrap') }}
        where replicate_id = 0 and scope_type = 'team'
    ),

    sql_model as (
        select
            team_name,
            month_start,
            sum({{ method }}_hours_saved) as hours_saved,
            sum({{ method }}_hours_saved * coalesce(loaded_hourly_cost_usd, 0)) as value_of_hours_saved_usd
        from {{ ref('int_ai_task_hours_saved') }}
        where {{ method }}_hours_saved is not null
        group by team_name, month_start
    )

    select
        coalesce(point.team_name, sql_model.team_name) as team_name,
        coalesce(point.month_start, sql_model.month_start) as month_start,
        point.hours_saved as bootstrap_hours_saved,
        sql_model.hours_saved as model_hours_saved
    from point
    full outer join sql_model
        on point.team_name = sql_model.team_name
        and point.month_start = sql_model.month_start
    where
        point.hours_saved is null
        or sql_model.hours_saved is null
        or abs(point.hours_saved - sql_model.hours_saved) > 1e-6
        or abs(point.value_of_hours_saved_usd - sql_model.value_of_hours_saved_usd) > 1e-4
{%- else %}
select 1 as nothing where 1 = 0
{%- endif %}
