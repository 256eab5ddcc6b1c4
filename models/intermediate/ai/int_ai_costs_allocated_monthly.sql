{#-
    docs/metrics.md, Layer 3: "AI total cost of ownership per team-month: licences (seat
    invoices, allocated by assigned seats), usage (API/token invoices, allocated by usage
    when given, else by seats), training (hours x loaded rate + vendor fees), maintenance
    and platform (allocated by headcount)."

    One row per AI cost line and team it is allocated to. The lines are those
    int_ai_cost_lines uses (is_used): invoice lines (raw_files.ai_costs, monthly), else for
    spend no invoice covers the vendors' billing APIs (Anthropic / OpenAI cost reports,
    Cursor spend, Copilot seat billing), else the tools' own cost estimates (Claude Code);
    an invoice wins over the billing API, which wins over an estimate, per spend vendor,
    cost type and month (cost_basis says which; int_ai_spend_reconciled_monthly has the
    figures side by side and the difference), so no spend is counted twice.
    Allocation basis, first one with a positive total wins:
    - `invoice_team`: the line names a team: all of it goes there;
    - licence and training lines: `seats` = the tool's seats assigned on the month's last
      day, in the holder's team that day;
    - usage lines: `usage_cost_usd`, else `usage_tokens`, else `usage_suggestions` of the
      tool in the month (person- and team-level telemetry, int_ai_usage_person_days), else
      `seats` as above;
    - then (and for maintenance, platform and any other type) `headcount` = rostered human
      members on the month's last day, among teams with AI access that month (treatment
      teams whose rollout date is on or before the month's last day);
    - `headcount_all_teams` when no team has AI access yet; `unallocated` when nothing is
      known (the line then goes to team `unallocated`, so no money is lost).
    The amount is split in cents by weight; floors are taken and the remaining cents go one
    each to the rows with the largest fractional part (ties: team name), so the allocated
    amounts sum back to the invoice exactly.
    Training lines also carry internal time: training_hours (split like the amount) x the
    team's loaded hourly cost averaged over the month's days (int_team_loaded_rates_daily).
-#}
with

int_ai_cost_lines as (
    select * from {{ ref('int_ai_cost_lines') }}
    where is_used
),

stg_copilot__seats as (
    select * from {{ ref('stg_copilot__seats') }}
),

int_team_memberships as (
    select * from {{ ref('int_team_memberships') }}
),

int_ai_usage_person_days as (
    select * from {{ ref('int_ai_usage_person_days') }}
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

int_team_loaded_rates_daily as (
    select * from {{ ref('int_team_loaded_rates_daily') }}
),

invoices as (
    select
        cost_line_id as invoice_id,
        cost_basis,
        cost_month,
        vendor,
        ai_tool,
        cost_type,
        amount_usd,
        team_name,
        seats,
        training_hours,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'cost_month')) }} as date) as month_end_date
    from int_ai_cost_lines
),

invoice_months as (
    select distinct
        cost_month,
        month_end_date
    from invoices
),

seat_basis as (
    select
        'github_copilot' as ai_tool,
        invoice_months.cost_month,
        int_team_memberships.team_name,
        cast(count(distinct stg_copilot__seats.person_id) as {{ type_double() }}) as weight
    from invoice_months
    inner join stg_copilot__seats
        on cast(stg_copilot__seats.seat_created_at as date) <= invoice_months.month_end_date
        and (
            stg_copilot__seats.pending_cancellation_date is null
            or stg_copilot__seats.pending_cancellation_date > invoice_months.month_end_date
        )
    inner join int_team_memberships
        on stg_copilot__seats.person_id = int_team_memberships.person_id
        and invoice_months.month_end_date >= int_team_memberships.valid_from
        and invoice_months.month_end_date < int_team_memberships.valid_to
    group by invoice_months.cost_month, int_team_memberships.team_name
),

usage_by_team as (
    select
        ai_tool,
        {{ month_start('usage_date') }} as cost_month,
        team_name,
        sum(cast(cost_usd as {{ type_double() }})) as usage_cost_usd,
        sum(cast(tokens as {{ type_double() }})) as usage_tokens,
        sum(cast(suggestions_shown as {{ type_double() }})) as usage_suggestions
    from int_ai_usage_person_days
    where team_name is not null
    group by ai_tool, {{ month_start('usage_date') }}, team_name
),

usage_measure as (
    -- the first usage measure the telemetry gives for the tool-month
    select
        ai_tool,
        cost_month,
        case
            when sum(usage_cost_usd) > 0 then 'usage_cost_usd'
            when sum(usage_tokens) > 0 then 'usage_tokens'
            when sum(usage_suggestions) > 0 then 'usage_suggestions'
        end as measure
    from usage_by_team
    group by ai_tool, cost_month
),

usage_basis as (
    select
        usage_by_team.ai_tool,
        usage_by_team.cost_month,
        usage_by_team.team_name,
        usage_measure.measure,
        case usage_measure.measure
            when 'usage_cost_usd' then coalesce(usage_by_team.usage_cost_usd, 0)
            when 'usage_tokens' then coalesce(usage_by_team.usage_tokens, 0)
            else coalesce(usage_by_team.usage_suggestions, 0)
        end as weight
    from usage_by_team
    inner join usage_measure
        on usage_by_team.ai_tool = usage_measure.ai_tool
        and usage_by_team.cost_month = usage_measure.cost_month
    where usage_measure.measure is not null
),

headcount_basis as (
    select
        invoice_months.cost_month,
        int_team_memberships.team_name,
        coalesce(
            int_teams.cohort = 'treatment' and int_teams.rollout_date <= invoice_months.month_end_date, false
        ) as has_ai_access,
        cast(count(distinct int_team_memberships.person_id) as {{ type_double() }}) as weight
    from invoice_months
    inner join int_team_memberships
        on invoice_months.month_end_date >= int_team_memberships.valid_from
        and invoice_months.month_end_date < int_team_memberships.valid_to
        and int_team_memberships.account_kind = 'human'
    left join int_teams
        on int_team_memberships.team_name = int_teams.team_name
    group by
        invoice_months.cost_month,
        int_team_memberships.team_name,
        coalesce(int_teams.cohort = 'treatment' and int_teams.rollout_date <= invoice_months.month_end_date, false)
),

candidates as (
    select
        invoice_id,
        'invoice_team' as allocation_basis,
        0 as basis_priority,
        team_name,
        cast(1 as {{ type_double() }}) as weight
    from invoices
    where team_name is not null

    union all

    select
        invoices.invoice_id,
        usage_basis.measure as allocation_basis,
        1 as basis_priority,
        usage_basis.team_name,
        usage_basis.weight
    from invoices
    inner join usage_basis
        on invoices.ai_tool = usage_basis.ai_tool
        and invoices.cost_month = usage_basis.cost_month
    where invoices.team_name is null and invoices.cost_type = 'usage'

    union all

    select
        invoices.invoice_id,
        'seats' as allocation_basis,
        2 as basis_priority,
        seat_basis.team_name,
        seat_basis.weight
    from invoices
    inner join seat_basis
        on invoices.ai_tool = seat_basis.ai_tool
        and invoices.cost_month = seat_basis.cost_month
    where invoices.team_name is null and invoices.cost_type in ('licence', 'usage', 'training')

    union all

    select
        invoices.invoice_id,
        case when headcount_basis.has_ai_access then 'headcount' else 'headcount_all_teams' end as allocation_basis,
        case when headcount_basis.has_ai_access then 3 else 4 end as basis_priority,
        headcount_basis.team_name,
        headcount_basis.weight
    from invoices
    inner join headcount_basis
        on invoices.cost_month = headcount_basis.cost_month
    where invoices.team_name is null
),

basis_totals as (
    select
        invoice_id,
        basis_priority,
        sum(weight) as total_weight
    from candidates
    group by invoice_id, basis_priority
    having sum(weight) > 0
),

chosen_basis as (
    select
        invoice_id,
        min(basis_priority) as basis_priority
    from basis_totals
    group by invoice_id
),

weights as (
    select
        candidates.invoice_id,
        candidates.allocation_basis,
        candidates.team_name,
        candidates.weight,
        basis_totals.total_weight
    from candidates
    inner join chosen_basis
        on candidates.invoice_id = chosen_basis.invoice_id
        and candidates.basis_priority = chosen_basis.basis_priority
    inner join basis_totals
        on candidates.invoice_id = basis_totals.invoice_id
        and candidates.basis_priority = basis_totals.basis_priority
    where candidates.weight > 0

    union all

    select
        invoices.invoice_id,
        'unallocated' as allocation_basis,
        'unallocated' as team_name,
        cast(1 as {{ type_double() }}) as weight,
        cast(1 as {{ type_double() }}) as total_weight
    from invoices
    left join chosen_basis on invoices.invoice_id = chosen_basis.invoice_id
    where chosen_basis.invoice_id is null
),

exact_shares as (
    select
        weights.*,
        invoices.cost_month,
        invoices.month_end_date,
        invoices.cost_type,
        invoices.ai_tool,
        invoices.vendor,
        invoices.cost_basis,
        invoices.amount_usd as invoice_amount_usd,
        invoices.training_hours,
        weights.weight / weights.total_weight as allocation_share,
        cast(round(invoices.amount_usd * 100) as bigint) as invoice_cents,
        cast(round(invoices.amount_usd * 100) as {{ type_double() }}) * weights.weight / weights.total_weight as exact_cents
    from weights
    inner join invoices on weights.invoice_id = invoices.invoice_id
),

floored as (
    select
        *,
        cast(floor(exact_cents + 1e-9) as bigint) as floor_cents
    from exact_shares
),

remainders as (
    select
        *,
        invoice_cents - sum(floor_cents) over (partition by invoice_id) as remaining_cents,
        row_number() over (
            partition by invoice_id
            order by exact_cents - floor_cents desc, team_name
        ) as remainder_rank
    from floored
),

team_month_rates as (
    select
        team_name,
        month_start,
        avg(loaded_hourly_cost_usd) as loaded_hourly_cost_usd
    from int_team_loaded_rates_daily
    group by team_name, month_start
),

final as (
    select
        ---------- ids
        remainders.invoice_id,
        remainders.team_name,

        ---------- strings
        remainders.cost_type,
        remainders.ai_tool,
        remainders.vendor,
        remainders.cost_basis,
        remainders.allocation_basis,

        ---------- numerics
        remainders.weight as allocation_weight,
        remainders.allocation_share,
        remainders.invoice_amount_usd,
        cast(
            cast(
                remainders.floor_cents
                + case when remainders.remainder_rank <= remainders.remaining_cents then 1 else 0 end
                as decimal(18, 2)
            ) / 100 as decimal(18, 2)
        ) as allocated_amount_usd,
        remainders.training_hours * remainders.allocation_share as training_hours,
        team_month_rates.loaded_hourly_cost_usd,
        cast(
            coalesce(remainders.training_hours * remainders.allocation_share * team_month_rates.loaded_hourly_cost_usd, 0)
            as decimal(18, 2)
        ) as training_time_cost_usd,

        ---------- booleans
        remainders.training_hours is not null and team_month_rates.loaded_hourly_cost_usd is null
            as is_training_rate_missing,

        ---------- dates
        remainders.cost_month

    from remainders
    left join team_month_rates
        on remainders.team_name = team_month_rates.team_name
        and remainders.cost_month = team_month_rates.month_start
)

select * from final
