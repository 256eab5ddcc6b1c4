{#-
    The executive scorecard (docs/metrics.md's three layers), one row per scope (scope_type
    'team', 'cohort' treatment/control, 'org' 'all') and calendar quarter (period_type
    'quarter', period_start). It defines no metric: each figure comes from the mart that
    does and is only pooled over the scope's teams here. Adoption: fct_ai_adoption_team_weekly
    (seats, utilisation and stage of the quarter's last week; rates from summed counts).
    Hours saved: int_ai_hours_saved_team_monthly (the figures fct_hours_saved_team_monthly
    publishes, before its privacy rule). Leakage: fct_leakage_team_monthly's measured
    leakage hours (the one definition, int_leakage_team), shown for a scope only when every
    team-month of it with hours saved is measured. Delivery:
    fct_delivery_scope_quarterly (macros/metrics/team_delivery_metrics.sql). Baseline:
    fct_team_baselines; a cohort/org pools its teams' (rates weighted by deployments, deploy
    days per week their mean, medians the PR-weighted mean of team medians: a pooled median
    cannot be rebuilt), and its delta is the weighted mean of its teams' deltas. Money:
    fct_headline_intervals' quarter rows (net gain and roi null for control scopes: no AI).
    is_verifiable: every team of the scope has a verifiable baseline. Flags: low trust (< 3),
    idle seats (utilisation < 0.5), quality regression (change failure or rework rate up on
    the baseline by more than var('scorecard_quality_regression_threshold', 0.05) and, for
    treatment scopes, more than the control cohort's), leakage over half; false without data.
    Privacy (suppress_small_cell): person-derived columns are null below var('min_group_size')
    distinct people: hours saved by the people behind each estimate over the scope and
    quarter (measured_people, telemetry_people, self_reported_respondents,
    hours_saved_people: hours_saved_people_count), money by fct_headline_intervals'
    hours_saved_people (money_people), the trust mean by responses, the rest by the roster.
    Hours saved are summed before the rule (int_ai_hours_saved_team_monthly), so a cohort's
    sum never loses a suppressed team-month.
-#}
{%- set regression_threshold = var('scorecard_quality_regression_threshold', 0.05) -%}
with

teams as (
    select * from {{ ref('int_teams') }}
),

delivery as (
    select * from {{ ref('fct_delivery_scope_quarterly') }}
),

baselines as (
    select * from {{ ref('fct_team_baselines') }}
),

adoption_weekly as (
    select * from {{ ref('fct_ai_adoption_team_weekly') }}
),

hours_saved_monthly as (
    -- before the team-month privacy rule: the scope-quarter sums are taken whole and the rule
    -- is applied once, to the published cell
    select * from {{ ref('int_ai_hours_saved_team_monthly') }}
),

hours_saved_people as (
    select * from {{ ref('int_ai_hours_saved_people') }}
),

leakage_monthly as (
    select * from {{ ref('fct_leakage_team_monthly') }}
),

money as (
    select * from {{ ref('fct_headline_intervals') }}
    where period_type = 'quarter'
),

---------- scopes

scope_members as (
    {%- for scope_type, scope_name in [('team', 'team_name'), ('cohort', 'cohort'), ('org', "'all'")] %}
        select
            '{{ scope_type }}' as scope_type,
            {{ scope_name }} as scope_name,
            team_name,
            reference_date
        from teams
        {{ "where cohort in ('treatment', 'control')" if scope_type == 'cohort' }}
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

---------- layer 2: baseline and same-teams deltas

baseline as (
    select
        scope_members.scope_type,
        scope_members.scope_name,
        min(case when baselines.is_verifiable then 1 else 0 end) = 1 as is_verifiable,
        {{ safe_divide('sum(baselines.merged_pull_requests)', 'sum(baselines.engineer_weeks)') }}
            as pr_throughput_per_engineer_week,
        {%- for column, weight in [
            ('cycle_time_median_hours', 'merged_pull_requests'),
            ('lead_time_median_hours', 'deployed_pull_requests'),
            ('change_failure_rate', 'production_deployments'),
            ('rework_rate', 'deployments_per_week'),
        ] %}
            {{ weighted_mean('baselines.' ~ column, 'baselines.' ~ weight) }} as {{ column }},
        {%- endfor %}
        avg(baselines.deploy_days_per_week) as deploy_days_per_week
    from scope_members
    left join baselines on scope_members.team_name = baselines.team_name
    group by 1, 2
),

{%- set weighted_deltas = [
    ('lead_time_median_hours', 'deployed_pull_requests'),
    ('deploy_days_per_week', '1'),
    ('change_failure_rate', 'production_deployments'),
    ('rework_rate', 'successful_deployments'),
    ('cycle_time_median_hours', 'merged_pull_requests'),
    ('pr_throughput_per_engineer_week', 'engineer_weeks'),
] %}

team_deltas as (
    -- each team's change on its own baseline, with the count behind each metric as weight
    select
        delivery.scope_name as team_name,
        {%- for column, weight in weighted_deltas %}
            delivery.{{ column }} - baselines.{{ column }} as {{ column }}_delta,
            {{ weight if weight == '1' else 'delivery.' ~ weight }} as {{ column }}_weight,
        {%- endfor %}
        delivery.quarter_start
    from delivery
    left join baselines on delivery.scope_name = baselines.team_name
    where delivery.scope_type = 'team'
),

scope_deltas as (
    select
        scope_members.scope_type,
        scope_members.scope_name,
        team_deltas.quarter_start,
        {%- for column, weight in weighted_deltas %}
            {{ weighted_mean('team_deltas.' ~ column ~ '_delta', 'team_deltas.' ~ column ~ '_weight') }} as {{ column }}_delta,
        {%- endfor %}
        min(scope_members.reference_date) as reference_date
    from team_deltas
    inner join scope_members on team_deltas.team_name = scope_members.team_name
    group by 1, 2, 3
),

---------- layer 1: adoption and hours saved

adoption as (
    select
        scope_members.scope_type,
        scope_members.scope_name,
        cast({{ dbt.date_trunc('quarter', 'adoption_weekly.week_start') }} as date) as quarter_start,
        sum(adoption_weekly.suggestions_shown) as suggestions_shown,
        sum(adoption_weekly.suggestions_accepted) as suggestions_accepted,
        sum(adoption_weekly.merged_pull_requests) as merged_pull_requests,
        sum(adoption_weekly.ai_assisted_merged_pull_requests) as ai_assisted_merged_pull_requests,
        -- the responses behind a published weekly score only (privacy-suppressed weeks have none)
        sum(case when adoption_weekly.ai_trust_score is not null then adoption_weekly.ai_trust_responses end)
            as ai_trust_responses,
        sum(adoption_weekly.ai_trust_score * adoption_weekly.ai_trust_responses) as ai_trust_score_total,
        max(adoption_weekly.week_start) as last_week_start
    from adoption_weekly
    inner join scope_members on adoption_weekly.team_name = scope_members.team_name
    group by 1, 2, 3
),

last_week_seats as (
    -- the quarter's last week; a scope's activity is unknown while any of its teams' is
    select
        adoption.scope_type,
        adoption.scope_name,
        adoption.quarter_start,
        sum(adoption_weekly.seats_assigned) as seats_assigned,
        case when count(adoption_weekly.seats_active_30d) = count(*) then sum(adoption_weekly.seats_active_30d) end
            as seats_active_30d,
        case when count(adoption_weekly.weekly_active_seats) = count(*) then sum(adoption_weekly.weekly_active_seats) end
            as weekly_active_seats,
        min(adoption_weekly.adoption_stage) as team_adoption_stage
    from adoption
    inner join scope_members
        on adoption.scope_type = scope_members.scope_type and adoption.scope_name = scope_members.scope_name
    inner join adoption_weekly
        on scope_members.team_name = adoption_weekly.team_name and adoption.last_week_start = adoption_weekly.week_start
    group by 1, 2, 3
),

hours_saved as (
    select
        scope_members.scope_type,
        scope_members.scope_name,
        cast({{ dbt.date_trunc('quarter', 'hours_saved_monthly.month_start') }} as date) as quarter_start,
        {%- for method in ['measured', 'measured_control_adjusted', 'telemetry_modelled', 'self_reported'] %}
            sum(hours_saved_monthly.{{ method }}_hours_saved) as hours_saved_{{ method }},
        {%- endfor %}
        sum(hours_saved_monthly.hours_saved) as hours_saved
    from hours_saved_monthly
    inner join scope_members on hours_saved_monthly.team_name = scope_members.team_name
    group by 1, 2, 3
),

{%- set people_counts = [
    ('measured_people', 'measured'), ('telemetry_people', 'telemetry_modelled'),
    ('self_reported_respondents', 'self_reported'), ('hours_saved_people', hours_saved_people_estimate()),
] %}

scope_people as (
    -- the distinct people behind each hours-saved estimate of the scope and quarter (the macro
    -- groups by column, this model by position)
    -- noqa: disable=AM06
    {{ hours_saved_people_count('hours_saved_people', 'teams', period='quarter', counts=people_counts) }}
    -- noqa: enable=AM06
),

leakage as (
    -- measured leakage only (fct_leakage_team_monthly: null unless the team's leakage_status
    -- is 'measured'); a scope with any team-month of hours saved (or of suppressed hours)
    -- whose leakage is not measured shows none, as fct_net_gain_waterfall does
    select
        scope_members.scope_type,
        scope_members.scope_name,
        cast({{ dbt.date_trunc('quarter', 'leakage_monthly.month_start') }} as date) as quarter_start,
        case
            when sum(
                    case when leakage_monthly.leakage_hours is null and coalesce(leakage_monthly.hours_saved, 1) <> 0 then 1 else 0 end
                ) = 0
                then sum(leakage_monthly.leakage_hours)
        end as leakage_hours,
        sum(case when leakage_monthly.leakage_hours is not null then leakage_monthly.hours_saved end) as leakage_hours_saved
    from leakage_monthly
    inner join scope_members on leakage_monthly.team_name = scope_members.team_name
    group by 1, 2, 3
),

---------- together

joined as (
    select
        delivery.scope_type,
        delivery.scope_name,
        delivery.cohort,
        delivery.teams_in_scope,
        scope_deltas.reference_date,
        delivery.quarter_start,
        delivery.quarter_end_date,
        delivery.observed_days,
        delivery.is_complete_quarter,
        delivery.rostered_members,
        {{ is_small_cell('delivery.rostered_members') }} as is_suppressed,
        coalesce(baseline.is_verifiable, false) as is_verifiable,
        -- adoption
        last_week_seats.seats_assigned,
        last_week_seats.seats_active_30d,
        {{ safe_divide('last_week_seats.seats_active_30d', 'last_week_seats.seats_assigned') }} as seat_utilisation,
        {%- set weekly_share = safe_divide('last_week_seats.weekly_active_seats', 'last_week_seats.seats_assigned') %}
        case
            when delivery.scope_type = 'team' then last_week_seats.team_adoption_stage
            when last_week_seats.seats_assigned = 0 then 'none'
            when last_week_seats.weekly_active_seats is null then null
            when {{ weekly_share }} < {{ var('adoption_stage_trial_min') }} then 'none'
            when {{ weekly_share }} < {{ var('adoption_stage_regular_min') }} then 'trial'
            when {{ weekly_share }} < {{ var('adoption_stage_habitual_min') }} then 'regular'
            else 'habitual'
        end as adoption_stage,
        adoption.suggestions_shown,
        adoption.suggestions_accepted,
        {{ safe_divide('adoption.suggestions_accepted', 'adoption.suggestions_shown') }} as acceptance_rate,
        adoption.ai_assisted_merged_pull_requests,
        {{ safe_divide('adoption.ai_assisted_merged_pull_requests', 'adoption.merged_pull_requests') }} as ai_assisted_pr_share,
        coalesce(adoption.ai_trust_responses, 0) as ai_trust_responses,
        {{ safe_divide('adoption.ai_trust_score_total', 'adoption.ai_trust_responses') }} as ai_trust_score_mean,
        -- hours saved
        {%- for method in ['measured', 'measured_control_adjusted', 'telemetry_modelled', 'self_reported'] %}
            hours_saved.hours_saved_{{ method }},
        {%- endfor %}
        hours_saved.hours_saved,
        {%- for column in ['measured_people', 'telemetry_people', 'self_reported_respondents', 'hours_saved_people'] %}
            coalesce(scope_people.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        coalesce(money.hours_saved_people, 0) as money_people,
        leakage.leakage_hours,
        {{ safe_divide('leakage.leakage_hours', 'leakage.leakage_hours_saved') }} as leakage_share_of_hours_saved,
        -- delivery, baseline and delta
        {%- for column in ['merged_pull_requests', 'deployed_pull_requests', 'engineer_weeks', 'production_deployments',
            'successful_deployments', 'failed_deployments', 'rework_deployments', 'time_to_restore_median_hours'] %}
            delivery.{{ column }},
        {%- endfor %}
        {%- for column, weight in weighted_deltas %}
            delivery.{{ column }},
            baseline.{{ column }} as baseline_{{ column }},
            scope_deltas.{{ column }}_delta,
        {%- endfor %}
        -- cost and value
        {%- for column in ['hours_saved', 'value_of_hours_saved_usd', 'net_productivity_gain_usd', 'roi'] %}
            money.{{ column }}_lower_90,
            money.{{ column }}_upper_90,
        {%- endfor %}
        money.value_of_hours_saved_usd,
        money.net_productivity_gain_usd,
        money.roi,
        money.ai_total_cost_usd
    from delivery
    left join baseline on delivery.scope_type = baseline.scope_type and delivery.scope_name = baseline.scope_name
    {%- for cte in ['scope_deltas', 'adoption', 'last_week_seats', 'hours_saved', 'scope_people', 'leakage'] %}
        left join {{ cte }}
            on delivery.scope_type = {{ cte }}.scope_type and delivery.scope_name = {{ cte }}.scope_name
            and delivery.quarter_start = {{ cte }}.{{ 'period_start' if cte == 'scope_people' else 'quarter_start' }}
    {%- endfor %}
    left join money
        on delivery.scope_type = money.scope_type and delivery.scope_name = money.scope_name
        and delivery.quarter_start = money.period_start
),

compared as (
    -- the difference-in-differences direction: a treatment scope's change on its baseline
    -- minus the control cohort's change over the same quarter
    select
        joined.*,
        case when joined.cohort = 'treatment' then joined.change_failure_rate_delta - control.change_failure_rate_delta end
            as change_failure_rate_delta_vs_control,
        case when joined.cohort = 'treatment' then joined.rework_rate_delta - control.rework_rate_delta end
            as rework_rate_delta_vs_control
    from joined
    left join joined as control
        on control.scope_type = 'cohort' and control.scope_name = 'control'
        and joined.quarter_start = control.quarter_start
),

flagged as (
    select
        *,
        not is_suppressed and not {{ is_small_cell('ai_trust_responses') }} and coalesce(ai_trust_score_mean < 3, false)
            as flag_low_trust,
        not is_suppressed and coalesce(seat_utilisation < 0.5, false) as flag_idle_seats,
        coalesce(quarter_end_date >= reference_date, false) and (
            {%- for column in ['change_failure_rate', 'rework_rate'] %}
                {{ 'or ' if not loop.first }}coalesce(
                    {{ column }}_delta > {{ regression_threshold }} and coalesce({{ column }}_delta_vs_control > 0, true), false
                )
            {%- endfor %}
        ) as flag_quality_regression,
        not is_suppressed and coalesce(leakage_share_of_hours_saved > 0.5, false) as flag_leakage_over_half
    from compared
),

{#- person-derived: adoption, hours saved and what is built on them (value, net gain, roi, intervals), people flow -#}
{%- set person_derived = ['seats_assigned', 'seats_active_30d', 'seat_utilisation', 'adoption_stage', 'suggestions_shown',
    'suggestions_accepted', 'acceptance_rate', 'ai_assisted_merged_pull_requests', 'ai_assisted_pr_share',
    'ai_trust_score_mean', 'leakage_hours', 'leakage_share_of_hours_saved', 'cycle_time_median_hours',
    'cycle_time_median_hours_delta', 'pr_throughput_per_engineer_week', 'pr_throughput_per_engineer_week_delta',
    'value_of_hours_saved_usd', 'net_productivity_gain_usd', 'roi', 'merged_pull_requests',
    'baseline_cycle_time_median_hours', 'baseline_pr_throughput_per_engineer_week'] %}
{%- set doubles = ['seat_utilisation', 'acceptance_rate', 'ai_assisted_pr_share', 'ai_trust_score_mean', 'hours_saved',
    'hours_saved_measured', 'hours_saved_measured_control_adjusted', 'hours_saved_telemetry_modelled',
    'hours_saved_self_reported', 'leakage_hours', 'leakage_share_of_hours_saved', 'time_to_restore_median_hours',
    'change_failure_rate_delta_vs_control', 'rework_rate_delta_vs_control', 'roi', 'hours_saved_lower_90',
    'hours_saved_upper_90', 'roi_lower_90', 'roi_upper_90'] %}
{%- for column, weight in weighted_deltas %}
    {%- do doubles.extend([column, 'baseline_' ~ column, column ~ '_delta']) %}
{%- endfor %}
{%- set typed = {
    dbt.type_string(): ['scope_type', 'scope_name', 'period_type', 'cohort', 'adoption_stage', 'hours_saved_method'],
    'date': ['period_start', 'quarter_start', 'quarter_end_date'],
    'boolean': ['is_complete_quarter', 'is_suppressed', 'is_verifiable', 'flag_low_trust', 'flag_idle_seats',
        'flag_quality_regression'],
    dbt.type_bigint(): ['teams_in_scope', 'observed_days', 'rostered_members', 'seats_assigned', 'seats_active_30d', 'suggestions_shown',
        'suggestions_accepted', 'ai_assisted_merged_pull_requests', 'ai_trust_responses', 'merged_pull_requests',
        'deployed_pull_requests', 'engineer_weeks', 'production_deployments', 'successful_deployments',
        'failed_deployments', 'rework_deployments', 'measured_people', 'telemetry_people', 'self_reported_respondents',
        'hours_saved_people', 'money_people'],
    type_double(): doubles,
    'decimal(18, 2)': ['ai_total_cost_usd', 'value_of_hours_saved_usd', 'net_productivity_gain_usd',
        'value_of_hours_saved_usd_lower_90', 'value_of_hours_saved_usd_upper_90', 'net_productivity_gain_usd_lower_90',
        'net_productivity_gain_usd_upper_90'],
} %}
{#- the people behind each person-derived column (default: the scope's roster) #}
{%- set people_of = {
    'ai_trust_score_mean': 'ai_trust_responses',
    'hours_saved': 'hours_saved_people',
    'hours_saved_measured': 'measured_people',
    'hours_saved_measured_control_adjusted': 'measured_people',
    'hours_saved_telemetry_modelled': 'telemetry_people',
    'hours_saved_self_reported': 'self_reported_respondents',
    'value_of_hours_saved_usd': 'money_people',
    'net_productivity_gain_usd': 'money_people',
    'roi': 'money_people',
} %}
{%- set constants = {'period_type': "'quarter'", 'period_start': 'quarter_start',
    'hours_saved_method': "'" ~ var('hours_saved_method') ~ "'"} %}

final as (
    select
        {%- for data_type, columns in typed.items() %}
            {%- for column in columns %}
                {%- set value = constants.get(column, column) %}
                {%- set is_person_derived = column in person_derived or column.endswith('_90')
                    or (column.startswith('hours_saved') and column != 'hours_saved_method') %}
                {%- set people = people_of.get(column, 'money_people' if column.endswith('_90') else 'rostered_members') %}
                {%- set value = suppress_small_cell(value, people) if is_person_derived else value %}
                cast({{ value }} as {{ data_type }}) as {{ column }},
            {%- endfor %}
        {%- endfor %}
        cast(flag_leakage_over_half as boolean) as flag_leakage_over_half
    from flagged
)

select * from final
