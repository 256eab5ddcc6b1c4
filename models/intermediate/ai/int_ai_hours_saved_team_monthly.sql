{#-
    docs/metrics.md, Layer 1: "Human-equivalent hours saved, three estimates side by side, never
    blended ... Net productivity gain uses var('hours_saved_method',
    'measured_control_adjusted')." Layer 3: "Value of hours saved = hours saved x the
    person's role loaded hourly cost, effective-dated (finance source), aggregated to
    team-month."

    One row per team and calendar month of the observation window, before privacy
    suppression (the marts suppress; org totals sum these rows):
    - the four estimates summed over the month's days (int_ai_hours_saved_team_daily);
      measured_control_adjusted is null when any measured task of the month has no control
      adjustment, self_reported null when no respondent answered that month;
    - each estimate's value: the sum over days of hours x that day's loaded rate, rounded
      to the cent once per team-month;
    - hours_saved / value_of_hours_saved_usd: the estimate named by
      var('hours_saved_method') (measured, measured_control_adjusted, telemetry_modelled,
      self_reported).
    - the people behind each estimate, for the marts' privacy rule (suppress_small_cell):
      measured_people and telemetry_people count int_ai_hours_saved_people
      (hours_saved_people_count), survey answers count self_reported_respondents;
      hours_saved_people = the count behind the selected method.
    An estimate whose inputs were never loaded is null, not 0 (measured: Jira work items;
    telemetry_modelled: Copilot or AI usage-file telemetry; self_reported: surveys), so a
    company without Jira does not see "0 hours saved" next to its full AI cost.
-#}
{%- set methods = ['measured', 'measured_control_adjusted', 'telemetry_modelled', 'self_reported'] -%}
{%- set method = var('hours_saved_method') -%}
{%- set work_items_loaded = any_source_loaded([('jira', 'issues')]) == 'true' -%}
{%- set inputs_loaded = {
    'measured': work_items_loaded,
    'measured_control_adjusted': work_items_loaded,
    'telemetry_modelled': any_source_loaded([
        ('copilot', 'user_daily_reports'), ('copilot', 'organization_daily_reports'),
        ('copilot', 'legacy_metrics'), ('ai_usage_files', 'ai_usage_daily')]) == 'true',
    'self_reported': any_source_loaded([('files', 'surveys')]) == 'true',
} -%}
{%- if method not in methods -%}
    {{ exceptions.raise_compiler_error("var('hours_saved_method') must be one of " ~ methods | join(', ') ~ ", got " ~ method) }}
{%- endif -%}
with

int_ai_hours_saved_team_daily as (
    select * from {{ ref('int_ai_hours_saved_team_daily') }}
),

int_ai_hours_saved_people as (
    select * from {{ ref('int_ai_hours_saved_people') }}
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

int_observed_days as (
    select * from {{ ref('int_observed_days') }}
),

months as (
    select distinct int_observed_days.month_start
    from int_observed_days
),

spine as (
    select
        int_teams.team_name,
        int_teams.cohort,
        int_teams.reference_date,
        months.month_start
    from int_teams
    cross join months
),

monthly as (
    select
        team_name,
        month_start,
        sum(ai_assisted_tasks_done) as ai_assisted_tasks_done,
        sum(tasks_with_baseline) as tasks_with_baseline,
        sum(tasks_without_baseline) as tasks_without_baseline,
        sum(tasks_control_adjusted) as tasks_control_adjusted,
        sum(lines_accepted) as lines_accepted,
        sum(case when has_telemetry then 1 else 0 end) as telemetry_days,
        max(self_reported_respondents) as self_reported_respondents,
        max(self_reported_hours_saved_per_week_mean) as self_reported_hours_saved_per_week_mean,
        sum(measured_hours_saved) as measured_hours_saved,
        case
            when sum(tasks_control_adjusted) = sum(tasks_with_baseline)
                then coalesce(sum(measured_control_adjusted_hours_saved), 0)
        end as measured_control_adjusted_hours_saved,
        sum(telemetry_modelled_hours_saved) as telemetry_modelled_hours_saved,
        sum(self_reported_hours_saved) as self_reported_hours_saved,
        sum(measured_value_usd) as measured_value_usd,
        case
            when sum(tasks_control_adjusted) = sum(tasks_with_baseline)
                then coalesce(sum(measured_control_adjusted_value_usd), 0)
        end as measured_control_adjusted_value_usd,
        sum(telemetry_modelled_value_usd) as telemetry_modelled_value_usd,
        sum(self_reported_value_usd) as self_reported_value_usd
    from int_ai_hours_saved_team_daily
    group by team_name, month_start
),

{%- set people_counts = [('measured_people', 'measured'), ('telemetry_people', 'telemetry_modelled')] %}

people as (
    -- distinct people behind the month's estimates (int_ai_hours_saved_people)
    {{ hours_saved_people_count('int_ai_hours_saved_people', 'int_teams', scope_types=['team'], counts=people_counts) }}
),

filled as (
    -- a month without rows has saved 0 hours by the measured and telemetry estimates, but
    -- has no self-reported estimate (nobody answered)
    select
        spine.team_name,
        spine.month_start,
        spine.cohort,
        {{ phase_of('spine.month_start', 'spine.reference_date') }} as phase,
        coalesce(monthly.ai_assisted_tasks_done, 0) as ai_assisted_tasks_done,
        coalesce(monthly.tasks_with_baseline, 0) as tasks_with_baseline,
        coalesce(monthly.tasks_without_baseline, 0) as tasks_without_baseline,
        coalesce(monthly.tasks_control_adjusted, 0) as tasks_control_adjusted,
        coalesce(monthly.lines_accepted, 0) as lines_accepted,
        coalesce(monthly.telemetry_days, 0) as telemetry_days,
        coalesce(monthly.self_reported_respondents, 0) as self_reported_respondents,
        monthly.self_reported_hours_saved_per_week_mean,
        coalesce(monthly.measured_hours_saved, 0) as measured_hours_saved,
        coalesce(monthly.measured_value_usd, 0) as measured_value_usd,
        case when monthly.team_name is null then 0 else monthly.measured_control_adjusted_hours_saved end
            as measured_control_adjusted_hours_saved,
        case when monthly.team_name is null then 0 else monthly.measured_control_adjusted_value_usd end
            as measured_control_adjusted_value_usd,
        coalesce(monthly.telemetry_modelled_hours_saved, 0) as telemetry_modelled_hours_saved,
        coalesce(monthly.telemetry_modelled_value_usd, 0) as telemetry_modelled_value_usd,
        monthly.self_reported_hours_saved,
        monthly.self_reported_value_usd,
        coalesce(people.measured_people, 0) as measured_people,
        coalesce(people.telemetry_people, 0) as telemetry_people
    from spine
    left join monthly
        on spine.team_name = monthly.team_name
        and spine.month_start = monthly.month_start
    left join people
        on spine.team_name = people.scope_name
        and spine.month_start = people.period_start
),

final as (
    select
        team_name,
        month_start,
        cohort,
        phase,
        {%- for column in [
            'ai_assisted_tasks_done', 'tasks_with_baseline', 'tasks_without_baseline', 'tasks_control_adjusted',
            'lines_accepted', 'telemetry_days', 'self_reported_respondents', 'measured_people', 'telemetry_people',
        ] %}
            cast({{ column }} as bigint) as {{ column }},
        {%- endfor %}
        cast(self_reported_hours_saved_per_week_mean as {{ type_double() }}) as self_reported_hours_saved_per_week_mean,
        {%- for name in methods %}
            {%- set loaded = inputs_loaded[name] or not execute %}
            cast({{ name ~ '_hours_saved' if loaded else 'null' }} as {{ type_double() }}) as {{ name }}_hours_saved,
            cast({{ 'round(' ~ name ~ '_value_usd, 2)' if loaded else 'null' }} as decimal(18, 2)) as {{ name }}_value_usd,
        {%- endfor %}
        '{{ method }}' as hours_saved_method
    from filled
),

selected as (
    select
        *,
        {{ method }}_hours_saved as hours_saved,
        {{ method }}_value_usd as value_of_hours_saved_usd,
        {{ {'measured': 'measured_people', 'measured_control_adjusted': 'measured_people',
            'telemetry_modelled': 'telemetry_people', 'self_reported': 'self_reported_respondents'}[method] }}
            as hours_saved_people
    from final
)

select * from selected
