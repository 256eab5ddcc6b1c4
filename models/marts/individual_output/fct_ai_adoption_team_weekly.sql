{#-
    docs/metrics.md, Adoption and trust: "Per team-week: active users / seats, acceptance rate,
    share of AI-assisted PRs, survey trust score. adoption_stage: none (< 10% active),
    trial (< 40%), regular (< 70%), habitual (>= 70%) of seats active weekly (thresholds in
    vars)." Layer 1: "seats_active_30d = seats whose last_activity_at is within 30 days;
    seat_utilisation = seats_active_30d / seats_assigned; idle_seat_cost = idle seats x seat
    price." "acceptance_rate = accepted / shown; override_rate = 1 - acceptance_rate unless
    the tool reports explicit rejections or post-acceptance edits, in which case those are
    used and the source says so."

    One row per team and ISO week with rostered members (int_team_headcount_weekly).
    - seats (int_ai_seats_weekly, summed over tools with seats): assigned at week end,
      active in the 30 days to week end (null while per-user telemetry does not cover the
      window), idle = assigned - active_30d, idle_seat_cost_usd = idle seats x the seat
      price per seat-month (the monthly cost of the seats idle that week; not additive over
      weeks);
    - adoption_stage from weekly_active_seat_share = seats whose holder used the tool that
      week / seats assigned: none below var('adoption_stage_trial_min'), trial below
      var('adoption_stage_regular_min'), regular below var('adoption_stage_habitual_min'),
      else habitual; `none` for a team without seats; null while activity is unknown;
    - override_rate = 1 - acceptance_rate: no loaded source reports explicit rejections, so
      override_rate_source is always `one_minus_acceptance_rate` today;
    - ai_assisted_pr_share from fct_delivery_team_weekly (PR author's team at creation);
    - ai_trust_score: mean survey ai_trust_score of responses dated in the week.
    Person-derived columns are null when is_suppressed (roster below var('min_group_size')).
-#}
with

int_team_headcount_weekly as (
    select * from {{ ref('int_team_headcount_weekly') }}
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

int_ai_seats_weekly as (
    select * from {{ ref('int_ai_seats_weekly') }}
),

int_ai_usage_person_days as (
    select * from {{ ref('int_ai_usage_person_days') }}
),

int_survey_responses as (
    select * from {{ ref('int_survey_responses') }}
),

fct_delivery_team_weekly as (
    select * from {{ ref('fct_delivery_team_weekly') }}
),

seats as (
    select
        team_name,
        week_start,
        sum(seats_assigned) as seats_assigned,
        case when count(seats_active_30d) = count(*) then sum(seats_active_30d) end as seats_active_30d,
        case when count(weekly_active_seats) = count(*) then sum(weekly_active_seats) end as weekly_active_seats,
        case when count(idle_seats) = count(*) then sum(idle_seats) end as idle_seats,
        case
            when count(idle_seats) = count(*) and count(seat_price_usd) = count(*)
                then sum(idle_seats * seat_price_usd)
        end as idle_seat_cost_usd
    from int_ai_seats_weekly
    group by team_name, week_start
),

usage as (
    select
        team_name,
        {{ week_start('usage_date') }} as week_start,
        count(distinct case when is_active then person_id end) as active_users,
        sum(suggestions_shown) as suggestions_shown,
        sum(suggestions_accepted) as suggestions_accepted,
        sum(lines_suggested) as lines_suggested,
        sum(lines_accepted) as lines_accepted
    from int_ai_usage_person_days
    where team_name is not null
    group by team_name, {{ week_start('usage_date') }}
),

surveys as (
    select
        team_name,
        {{ week_start('response_date') }} as week_start,
        count(ai_trust_score) as ai_trust_responses,
        avg(ai_trust_score) as ai_trust_score
    from int_survey_responses
    group by team_name, {{ week_start('response_date') }}
),

joined as (
    select
        int_team_headcount_weekly.team_name,
        int_team_headcount_weekly.week_start,
        int_teams.cohort,
        {{ phase_of('int_team_headcount_weekly.week_start', 'int_teams.reference_date') }} as phase,
        int_team_headcount_weekly.rostered_members,
        int_team_headcount_weekly.rostered_members < {{ var('min_group_size') }} as is_suppressed,
        coalesce(usage.active_users, 0) as active_users,
        coalesce(seats.seats_assigned, 0) as seats_assigned,
        case when seats.team_name is null then 0 else seats.seats_active_30d end as seats_active_30d,
        case when seats.team_name is null then 0 else seats.weekly_active_seats end as weekly_active_seats,
        case when seats.team_name is null then 0 else seats.idle_seats end as idle_seats,
        case when seats.team_name is null then 0 else seats.idle_seat_cost_usd end as idle_seat_cost_usd,
        coalesce(usage.suggestions_shown, 0) as suggestions_shown,
        coalesce(usage.suggestions_accepted, 0) as suggestions_accepted,
        coalesce(usage.lines_suggested, 0) as lines_suggested,
        coalesce(usage.lines_accepted, 0) as lines_accepted,
        fct_delivery_team_weekly.merged_pull_requests,
        fct_delivery_team_weekly.ai_assisted_merged_pull_requests,
        coalesce(surveys.ai_trust_responses, 0) as ai_trust_responses,
        surveys.ai_trust_score
    from int_team_headcount_weekly
    left join int_teams
        on int_team_headcount_weekly.team_name = int_teams.team_name
    left join seats
        on int_team_headcount_weekly.team_name = seats.team_name
        and int_team_headcount_weekly.week_start = seats.week_start
    left join usage
        on int_team_headcount_weekly.team_name = usage.team_name
        and int_team_headcount_weekly.week_start = usage.week_start
    left join fct_delivery_team_weekly
        on int_team_headcount_weekly.team_name = fct_delivery_team_weekly.team_name
        and int_team_headcount_weekly.week_start = fct_delivery_team_weekly.week_start
    left join surveys
        on int_team_headcount_weekly.team_name = surveys.team_name
        and int_team_headcount_weekly.week_start = surveys.week_start
),

rated as (
    select
        *,
        {{ safe_divide('seats_active_30d', 'seats_assigned') }} as seat_utilisation,
        {{ safe_divide('weekly_active_seats', 'seats_assigned') }} as weekly_active_seat_share,
        {{ safe_divide('suggestions_accepted', 'suggestions_shown') }} as acceptance_rate,
        {{ safe_divide('lines_accepted', 'lines_suggested') }} as lines_acceptance_rate,
        {{ safe_divide('ai_assisted_merged_pull_requests', 'merged_pull_requests') }} as ai_assisted_pr_share
    from joined
),

staged as (
    select
        *,
        1 - acceptance_rate as override_rate,
        case
            when seats_assigned = 0 then 'none'
            when weekly_active_seat_share is null then null
            when weekly_active_seat_share < {{ var('adoption_stage_trial_min') }} then 'none'
            when weekly_active_seat_share < {{ var('adoption_stage_regular_min') }} then 'trial'
            when weekly_active_seat_share < {{ var('adoption_stage_habitual_min') }} then 'regular'
            else 'habitual'
        end as adoption_stage
    from rated
),

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(week_start as date) as week_start,
        cast(cohort as {{ dbt.type_string() }}) as cohort,
        cast(phase as {{ dbt.type_string() }}) as phase,
        cast(rostered_members as bigint) as rostered_members,
        is_suppressed,
        {%- for column in ['active_users', 'seats_assigned', 'seats_active_30d', 'idle_seats', 'weekly_active_seats'] %}
            cast(case when is_suppressed then null else {{ column }} end as bigint) as {{ column }},
        {%- endfor %}
        cast(case when is_suppressed then null else seat_utilisation end as {{ type_double() }}) as seat_utilisation,
        cast(case when is_suppressed then null else weekly_active_seat_share end as {{ type_double() }})
            as weekly_active_seat_share,
        cast(case when is_suppressed then null else adoption_stage end as {{ dbt.type_string() }}) as adoption_stage,
        cast(case when is_suppressed then null else idle_seat_cost_usd end as decimal(18, 2)) as idle_seat_cost_usd,
        {%- for column in ['suggestions_shown', 'suggestions_accepted'] %}
            cast(case when is_suppressed then null else {{ column }} end as bigint) as {{ column }},
        {%- endfor %}
        cast(case when is_suppressed then null else acceptance_rate end as {{ type_double() }}) as acceptance_rate,
        cast(case when is_suppressed then null else override_rate end as {{ type_double() }}) as override_rate,
        cast('one_minus_acceptance_rate' as {{ dbt.type_string() }}) as override_rate_source,
        {%- for column in ['lines_suggested', 'lines_accepted'] %}
            cast(case when is_suppressed then null else {{ column }} end as bigint) as {{ column }},
        {%- endfor %}
        cast(case when is_suppressed then null else lines_acceptance_rate end as {{ type_double() }}) as lines_acceptance_rate,
        {%- for column in ['merged_pull_requests', 'ai_assisted_merged_pull_requests'] %}
            cast(case when is_suppressed then null else {{ column }} end as bigint) as {{ column }},
        {%- endfor %}
        cast(case when is_suppressed then null else ai_assisted_pr_share end as {{ type_double() }}) as ai_assisted_pr_share,
        cast(case when is_suppressed then null else ai_trust_responses end as bigint) as ai_trust_responses,
        cast(case when is_suppressed then null else ai_trust_score end as {{ type_double() }}) as ai_trust_score
    from staged
)

select * from final
