{#-
    The people behind each hours-saved estimate, for the one privacy rule (suppress_small_cell):
    one row per team, calendar month, estimate and person (pseudonymised) who contributed.
    - measured (also behind measured_control_adjusted): the assignees of the month's
      AI-assisted tasks with a measured saving (int_ai_task_hours_saved);
    - telemetry_modelled: the people with accepted AI lines that month
      (int_ai_usage_person_days); a team-level usage row (a usage file's `team:<team>`
      subject) names nobody, so it stands for the team's human roster of that month.
    - self_reported: survey answers carry no respondent id (response_id only), so the n-th
      answer of a team-month stands for the team's n-th respondent (`<team> respondent <n>`):
      within a month that counts the respondents, across months the most in any one month (a
      lower bound, never more people than there were).
    last_contribution_date is the person's last day behind the month's estimate (the task's
    done date, the usage day, the answer's date), so part of a month can be counted (the
    leakage mart's impact days). Rows, not counts, so any scope and period can count
    distinct people exactly (a person behind three months or two teams counts once): int_ai_hours_saved_team_monthly,
    int_ai_hours_saved_people_to_date (the running totals' people), and through
    hours_saved_people_count int_ai_hours_saved_team_monthly, fct_net_productivity_org_monthly,
    fct_headline_intervals, rpt_ai_roi_scorecard and fct_leakage_team_monthly read it.
    Never published (marts show counts only).
-#}
with

int_ai_task_hours_saved as (
    select * from {{ ref('int_ai_task_hours_saved') }}
),

int_ai_usage_person_days as (
    select * from {{ ref('int_ai_usage_person_days') }}
),

int_survey_responses as (
    select * from {{ ref('int_survey_responses') }}
),

int_team_memberships as (
    select * from {{ ref('int_team_memberships') }}
    where account_kind = 'human'
),

measured as (
    select
        team_name,
        month_start,
        'measured' as estimate,
        assignee_id as person_id,
        done_date as contribution_date
    from int_ai_task_hours_saved
    where measured_hours_saved is not null and assignee_id is not null
),

telemetry_usage as (
    select
        team_name,
        {{ month_start('usage_date') }} as month_start,
        person_id,
        usage_date
    from int_ai_usage_person_days
    where team_name is not null and lines_accepted > 0
),

telemetry_people as (
    select
        team_name,
        month_start,
        'telemetry_modelled' as estimate,
        person_id,
        usage_date as contribution_date
    from telemetry_usage
    where person_id is not null
),

team_level_months as (
    select
        team_name,
        month_start,
        max(usage_date) as last_usage_date
    from telemetry_usage
    where person_id is null
    group by team_name, month_start
),

{% set month_end = dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'team_level_months.month_start')) %}
team_level_roster as (
    select
        team_level_months.team_name,
        team_level_months.month_start,
        'telemetry_modelled' as estimate,
        int_team_memberships.person_id,
        team_level_months.last_usage_date as contribution_date
    from team_level_months
    inner join int_team_memberships
        on team_level_months.team_name = int_team_memberships.team_name
        and int_team_memberships.valid_from <= cast({{ month_end }} as date)
        and int_team_memberships.valid_to > team_level_months.month_start
),

respondents as (
    select
        team_name,
        {{ month_start('response_date') }} as month_start,
        'self_reported' as estimate,
        team_name || ' respondent ' || cast(
            row_number() over (partition by team_name, {{ month_start('response_date') }} order by response_id)
            as {{ dbt.type_string() }}
        ) as person_id,
        response_date as contribution_date
    from int_survey_responses
    where self_reported_hours_saved_per_week is not null and team_name is not null
),

unioned as (
    select * from measured
    union all
    select * from telemetry_people
    union all
    select * from team_level_roster
    union all
    select * from respondents
),

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(month_start as date) as month_start,
        cast(estimate as {{ dbt.type_string() }}) as estimate,
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(max(contribution_date) as date) as last_contribution_date
    from unioned
    group by team_name, month_start, estimate, person_id
)

select * from final
