{#-
    docs/metrics.md, Layer 3 (AI total cost of ownership): every AI cost figure the
    warehouse knows, one row per cost line, and which of them the TCO uses.

    Three kinds of figure (cost_basis), for the same spend they rank in this order:
    1. `invoice`: the drop folder's invoice lines (stg_files__ai_costs), as they are;
    2. `billing_api`: the vendors' billing APIs, one line per vendor, tool, cost type and
       month: the Anthropic and OpenAI organisation cost reports (stg_ai_spend__costs;
       Anthropic lines of a workspace in var('claude_code_workspace_ids') are tool
       `claude_code`, the rest `anthropic_api`), Cursor team spend (stg_cursor__member_spends,
       the last figure of each billing cycle summed over members) and GitHub Copilot seat
       billing (seats assigned on the month's last day x var('copilot_seat_prices_usd') of
       the seat's plan, licence lines, for the observed months);
    3. `estimated`: the tools' own cost estimates in the usage telemetry
       (int_ai_usage_person_days.cost_usd: Claude Code's estimated cost by model, a usage
       file's cost), one usage line per vendor, tool and month.

    Precedence: figures describe the same spend when they share the spend vendor (the
    company billed: github, cursor, anthropic, openai, else the tool), the
    cost type and the month. In each such group only the highest-ranked basis present is
    used (is_used): an invoice wins over the billing API, which wins over an estimate. So
    Claude Code's estimated cost (vendor anthropic) is never added to an Anthropic cost
    report or an Anthropic invoice of the same month, and Copilot seat billing never to a
    Copilot licence invoice line. int_ai_spend_reconciled_monthly compares the figures.
-#}
{%- set seat_prices = var('copilot_seat_prices_usd') %}
with

stg_files__ai_costs as (
    select * from {{ ref('stg_files__ai_costs') }}
),

stg_ai_spend__costs as (
    select * from {{ ref('stg_ai_spend__costs') }}
),

stg_cursor__member_spends as (
    select * from {{ ref('stg_cursor__member_spends') }}
),

stg_copilot__seats as (
    select * from {{ ref('stg_copilot__seats') }}
),

int_ai_usage_person_days as (
    select * from {{ ref('int_ai_usage_person_days') }}
),

int_observed_days as (
    select * from {{ ref('int_observed_days') }}
),

invoice_lines as (
    select
        invoice_id as cost_line_id,
        'invoice' as cost_basis,
        1 as basis_rank,
        cost_month,
        vendor,
        ai_tool,
        cost_type,
        amount_usd,
        team_name,
        seats,
        usage_units,
        training_hours
    from stg_files__ai_costs
),

api_spend as (
    select
        cost_month,
        vendor,
        case
            when vendor = 'anthropic'
                and workspace_id in (
                    {%- for workspace in var('claude_code_workspace_ids') %}
                        '{{ workspace }}'{{ ',' if not loop.last }}
                    {%- endfor %}
                    {%- if var('claude_code_workspace_ids') | length == 0 %}null{% endif %}
                )
                then 'claude_code'
            else ai_tool
        end as ai_tool,
        amount_usd
    from stg_ai_spend__costs
),

cursor_spend as (
    select
        cost_month,
        sum(amount_usd) as amount_usd
    from stg_cursor__member_spends
    group by cost_month
),

seat_months as (
    select distinct
        month_start as cost_month,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start')) }} as date) as month_end_date
    from int_observed_days
),

copilot_seat_billing as (
    select
        seat_months.cost_month,
        count(*) as seats,
        sum(
            case lower(coalesce(stg_copilot__seats.plan_type, 'unknown'))
                {%- for plan, price in seat_prices.items() if plan != 'unknown' %}
                    when '{{ plan }}' then {{ price }}
                {%- endfor %}
                else {{ seat_prices.get('unknown', 0) }}
            end
        ) as amount_usd
    from seat_months
    inner join stg_copilot__seats
        on cast(stg_copilot__seats.seat_created_at as date) <= seat_months.month_end_date
        and (
            stg_copilot__seats.pending_cancellation_date is null
            or stg_copilot__seats.pending_cancellation_date > seat_months.month_end_date
        )
    group by seat_months.cost_month
),

billing_api_lines as (
    select
        cost_month,
        vendor,
        ai_tool,
        'usage' as cost_type,
        sum(amount_usd) as amount_usd,
        cast(null as integer) as seats
    from api_spend
    group by cost_month, vendor, ai_tool

    union all

    select
        cost_month,
        'cursor' as vendor,
        'cursor' as ai_tool,
        'usage' as cost_type,
        amount_usd,
        cast(null as integer) as seats
    from cursor_spend

    union all

    select
        cost_month,
        'github' as vendor,
        'github_copilot' as ai_tool,
        'licence' as cost_type,
        amount_usd,
        cast(seats as integer) as seats
    from copilot_seat_billing
),

estimated_lines as (
    select
        {{ month_start('usage_date') }} as cost_month,
        ai_tool,
        sum(cost_usd) as amount_usd
    from int_ai_usage_person_days
    where cost_usd is not null
    group by ai_tool, {{ month_start('usage_date') }}
),

derived_lines as (
    select
        'billing_api:' || vendor || ':' || ai_tool || ':' || cost_type || ':'
        || cast(cost_month as {{ dbt.type_string() }}) as cost_line_id,
        'billing_api' as cost_basis,
        2 as basis_rank,
        cost_month,
        vendor,
        ai_tool,
        cost_type,
        amount_usd,
        seats
    from billing_api_lines

    union all

    select
        'estimated:' || ai_tool || ':usage:' || cast(cost_month as {{ dbt.type_string() }}) as cost_line_id,
        'estimated' as cost_basis,
        3 as basis_rank,
        cost_month,
        ai_tool as vendor,
        ai_tool,
        'usage' as cost_type,
        amount_usd,
        cast(null as integer) as seats
    from estimated_lines
),

all_lines as (
    select * from invoice_lines

    union all

    select
        cost_line_id,
        cost_basis,
        basis_rank,
        cost_month,
        vendor,
        ai_tool,
        cost_type,
        cast(round(amount_usd, 2) as decimal(18, 2)) as amount_usd,
        cast(null as {{ dbt.type_string() }}) as team_name,
        seats,
        cast(null as {{ type_double() }}) as usage_units,
        cast(null as {{ type_double() }}) as training_hours
    from derived_lines
    where amount_usd is not null
),

vendored as (
    select
        *,
        case
            when ai_tool = 'github_copilot' or lower(vendor) like 'github%' then 'github'
            when ai_tool = 'cursor' or lower(vendor) in ('cursor', 'anysphere') then 'cursor'
            when ai_tool in ('claude_code', 'anthropic_api') or lower(vendor) like 'anthropic%' then 'anthropic'
            when ai_tool in ('openai_api', 'codex', 'chatgpt') or lower(vendor) like 'openai%' then 'openai'
            else lower(trim(ai_tool))
        end as spend_vendor
    from all_lines
),

ranked as (
    select
        *,
        min(basis_rank) over (partition by spend_vendor, cost_type, cost_month) as used_basis_rank
    from vendored
),

final as (
    select
        ---------- ids
        cost_line_id,
        team_name,

        ---------- strings
        cost_basis,
        spend_vendor,
        vendor,
        ai_tool,
        cost_type,

        ---------- numerics
        amount_usd,
        seats,
        usage_units,
        training_hours,

        ---------- booleans
        basis_rank = used_basis_rank as is_used,

        ---------- dates
        cost_month

    from ranked
)

select * from final
