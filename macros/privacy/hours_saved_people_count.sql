{#-
    The one count behind the money cells' privacy rule (suppress_small_cell): the distinct
    pseudonymised people behind hours saved, counted over a cell's own scope and period, so a
    person behind three months or two teams counts once. Used by fct_headline_intervals,
    rpt_ai_roi_scorecard, fct_leakage_team_monthly, fct_net_productivity_org_monthly and
    int_ai_hours_saved_team_monthly.

    Renders one select (a CTE's body) with columns scope_type, scope_name, period_type,
    period_start and one count per `counts` entry:
    - people: the CTE holding int_ai_hours_saved_people's rows;
    - teams: the CTE holding int_teams' rows (team_name, cohort and any `contributed_from`
      column); a person row of a team that int_teams does not know counts in no scope;
    - scope_types: any of 'team' (scope_name = team_name), 'cohort' (treatment or control)
      and 'org' (scope_name 'all');
    - period: 'month' or 'quarter' (the calendar month or quarter of the person's month), or
      the name of a CTE of the caller's periods with one row per month_start, period_type and
      period_start (a month may belong to several periods: month, quarter, total);
    - counts: (column, estimate) pairs, the estimate as int_ai_hours_saved_people names it;
      default: hours_saved_people for the estimate var('hours_saved_method') stands on
      (hours_saved_people_estimate());
    - contributed_from: a date column of `teams`; when given, only people whose last
      contribution in the month is on or after it count (fct_leakage_team_monthly: the
      impact-phase days of a month).

        scope_people as (
            {{ hours_saved_people_count('people', 'teams', period='periods') }}
        )
-#}
{% macro hours_saved_people_count(
    people, teams, scope_types=['team', 'cohort', 'org'], period='month', counts=none, contributed_from=none
) -%}
{%- set counts = counts or [('hours_saved_people', hours_saved_people_estimate())] -%}
{%- set estimates = counts | map(attribute=1) | unique | list -%}
{%- set scope_names = {'team': people ~ '.team_name', 'cohort': teams ~ '.cohort', 'org': "'all'"} -%}
{%- set group_period = none -%}
{%- if period == 'month' -%}
    {%- set period_type, period_start = "'month'", 'scoped.month_start' -%}
{%- elif period == 'quarter' -%}
    {%- set period_type = "'quarter'" -%}
    {%- set period_start = 'cast(' ~ dbt.date_trunc('quarter', 'scoped.month_start') ~ ' as date)' -%}
{%- else -%}
    {%- set period_type, period_start = period ~ '.period_type', period ~ '.period_start' -%}
    {%- set group_period = period_type -%}
{%- endif -%}
select
        scoped.scope_type,
        scoped.scope_name,
        {{ period_type }} as period_type,
        {{ period_start }} as period_start,
        {%- for column, estimate in counts %}
        count(distinct case when scoped.estimate = '{{ estimate }}' then scoped.person_id end) as {{ column }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from (
        {%- for scope_type in scope_types %}
            select
                '{{ scope_type }}' as scope_type,
                {{ scope_names[scope_type] }} as scope_name,
                {{ people }}.month_start,
                {{ people }}.estimate,
                {{ people }}.person_id
            from {{ people }}
            inner join {{ teams }} on {{ people }}.team_name = {{ teams }}.team_name
            where
                {{ people }}.estimate in ('{{ estimates | join("', '") }}')
                {%- if scope_type == 'cohort' %}
                and {{ teams }}.cohort in ('treatment', 'control')
                {%- endif %}
                {%- if contributed_from %}
                and {{ people }}.last_contribution_date >= {{ teams }}.{{ contributed_from }}
                {%- endif %}
            {{ 'union all' if not loop.last }}
        {%- endfor %}
    ) as scoped
    {%- if period not in ['month', 'quarter'] %}
    inner join {{ period }} on scoped.month_start = {{ period }}.month_start
    {%- endif %}
    group by scoped.scope_type, scoped.scope_name, {{ (group_period ~ ', ') if group_period }}{{ period_start }}
{%- endmacro %}
