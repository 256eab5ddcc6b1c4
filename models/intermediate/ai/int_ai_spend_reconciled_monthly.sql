{#-
    docs/metrics.md, Layer 3 (AI total cost of ownership): the AI cost figures of the same
    spend side by side, one row per spend vendor, cost type and month (int_ai_cost_lines).

    cost_basis is the figure the TCO uses: `invoice` when an invoice line exists, else
    `billing_api` (the vendor's cost report, Cursor spend or Copilot seat billing), else
    `estimated` (the tool's own estimate in its usage telemetry). The other figures are
    kept for reconciliation only and never added: reconciliation_difference_usd = the used
    figure - the next figure present below it (compared_basis), e.g. an Anthropic invoice
    of 1,000.00 against a cost report of 990.00 gives +10.00 (null when only one figure
    exists).
-#}
with

int_ai_cost_lines as (
    select * from {{ ref('int_ai_cost_lines') }}
),

figures as (
    select
        spend_vendor,
        cost_type,
        cost_month,
        sum(case when cost_basis = 'invoice' then amount_usd end) as invoice_amount_usd,
        sum(case when cost_basis = 'billing_api' then amount_usd end) as billing_api_amount_usd,
        sum(case when cost_basis = 'estimated' then amount_usd end) as estimated_amount_usd,
        sum(case when cost_basis = 'invoice' then 1 else 0 end) as invoice_lines,
        sum(case when is_used then amount_usd else 0 end) as used_amount_usd,
        max(case when is_used then cost_basis end) as cost_basis
    from int_ai_cost_lines
    group by spend_vendor, cost_type, cost_month
),

compared as (
    select
        *,
        case
            when cost_basis = 'invoice' and billing_api_amount_usd is not null then 'billing_api'
            when cost_basis in ('invoice', 'billing_api') and estimated_amount_usd is not null then 'estimated'
        end as compared_basis
    from figures
),

final as (
    select
        ---------- ids
        spend_vendor,
        cost_type,

        ---------- strings
        cost_basis,
        compared_basis,

        ---------- numerics
        cast(invoice_lines as bigint) as invoice_lines,
        cast(invoice_amount_usd as decimal(18, 2)) as invoice_amount_usd,
        cast(billing_api_amount_usd as decimal(18, 2)) as billing_api_amount_usd,
        cast(estimated_amount_usd as decimal(18, 2)) as estimated_amount_usd,
        cast(used_amount_usd as decimal(18, 2)) as used_amount_usd,
        cast(
            used_amount_usd
            - case compared_basis
                when 'billing_api' then billing_api_amount_usd
                when 'estimated' then estimated_amount_usd
            end
            as decimal(18, 2)
        ) as reconciliation_difference_usd,

        ---------- dates
        cost_month

    from compared
)

select * from final
