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
    Each person-derived cell is null unless at least var('min_group_size') distinct people
    stand behind it (suppress_small_cell): rostered_members for the seat columns (seat
    holders are rostered people; is_suppressed is int_team_headcount_weekly's
    is_below_min_group_size, the same rule), usage_users for
    telemetry, pull_request_authors for PRs, ai_trust_responses (anonymous responses, one
    per respondent) for the trust score.
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
        count(distinct person_id) as usage_users,
        sum(suggestions_shown) as suggestions_shown,
        sum(suggestions_accepted) as suggestions_accepted,
        sum(lines_suggested) as lines_suggested,
        -- lines accepted of suggestions: only telemetry that also reports lines suggested
        -- (Claude Code and Cursor's Admin API report lines written, not lines suggested)
        sum(case when lines_suggested > 0 then lines_accepted else 0 end) as lines_accepted
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
        int_team_headcount_weekly.is_below_min_group_size as is_suppressed,
        coalesce(usage.usage_users, 0) as usage_users,
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
        coalesce(fct_delivery_team_weekly.pull_request_authors, 0) as pull_request_authors,
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
        {%- for column in ['usage_users', 'pull_request_authors', 'ai_trust_responses'] %}
            cast({{ column }} as bigint) as {{ column }},
        {%- endfor %}
        {%- set seats = 'rostered_members' %}
        {%- set cells = [
            ('active_users', 'bigint', 'usage_users'),
            ('seats_assigned', 'bigint', seats),
            ('seats_active_30d', 'bigint', seats),
            ('idle_seats', 'bigint', seats),
            ('weekly_active_seats', 'bigint', seats),
            ('seat_utilisation', type_double(), seats),
            ('weekly_active_seat_share', type_double(), seats),
            ('adoption_stage', dbt.type_string(), seats),
            ('idle_seat_cost_usd', 'decimal(18, 2)', seats),
            ('suggestions_shown', 'bigint', 'usage_users'),
            ('suggestions_accepted', 'bigint', 'usage_users'),
            ('acceptance_rate', type_double(), 'usage_users'),
            ('override_rate', type_double(), 'usage_users'),
            ('lines_suggested', 'bigint', 'usage_users'),
            ('lines_accepted', 'bigint', 'usage_users'),
            ('lines_acceptance_rate', type_double(), 'usage_users'),
            ('merged_pull_requests', 'bigint', 'pull_request_authors'),
            ('ai_assisted_merged_pull_requests', 'bigint', 'pull_request_authors'),
            ('ai_assisted_pr_share', type_double(), 'pull_request_authors'),
            ('ai_trust_score', type_double(), 'ai_trust_responses'),
        ] %}
        {%- for column, data_type, people in cells %}
            cast({{ suppress_small_cell(column, people) }} as {{ data_type }}) as {{ column }},
        {%- endfor %}
        cast('one_minus_acceptance_rate' as {{ dbt.type_string() }}) as override_rate_source
    from staged
)

select * from final
