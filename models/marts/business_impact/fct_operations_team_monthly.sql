{#-
    docs/metrics.md, Layer 3: "Operations: cost per transaction = operating cost / transactions;
    error rate = failed transactions / transactions; per team-month, with baseline."

    One row per team and calendar month with operations data (int_ops_transactions_daily,
    all processes summed): transactions, failures, operating cost, cost per transaction and
    error rate, next to the team's Day-Zero baseline values (fct_team_baselines) and the
    deltas (month - baseline, absolute and relative). cost_per_transaction_usd keeps six
    decimals (a fraction of a cent matters per transaction), as in fct_team_baselines.
    Operations volumes are not person-derived: not suppressed.
-#}
with

int_ops_transactions_daily as (
    select * from {{ ref('int_ops_transactions_daily') }}
),

fct_team_baselines as (
    select * from {{ ref('fct_team_baselines') }}
),

int_teams as (
    select * from {{ ref('int_teams') }}
),

monthly as (
    select
        team_name,
        {{ month_start('transaction_date') }} as month_start,
        sum(transactions) as transactions,
        sum(failed_transactions) as failed_transactions,
        sum(operating_cost_usd) as operating_cost_usd
    from int_ops_transactions_daily
    group by team_name, {{ month_start('transaction_date') }}
),

rated as (
    select
        monthly.*,
        int_teams.cohort,
        {{ phase_of('monthly.month_start', 'int_teams.reference_date') }} as phase,
        {{ safe_divide('monthly.operating_cost_usd', 'monthly.transactions') }} as cost_per_transaction_usd,
        {{ safe_divide('monthly.failed_transactions', 'monthly.transactions') }} as error_rate,
        cast(fct_team_baselines.cost_per_transaction_usd as {{ type_double() }}) as baseline_cost_per_transaction_usd,
        fct_team_baselines.error_rate as baseline_error_rate,
        coalesce(fct_team_baselines.is_verifiable, false) as is_baseline_verifiable
    from monthly
    left join int_teams on monthly.team_name = int_teams.team_name
    left join fct_team_baselines on monthly.team_name = fct_team_baselines.team_name
),

final as (
    select
        cast(team_name as {{ dbt.type_string() }}) as team_name,
        cast(month_start as date) as month_start,
        cast(cohort as {{ dbt.type_string() }}) as cohort,
        cast(phase as {{ dbt.type_string() }}) as phase,
        cast(transactions as bigint) as transactions,
        cast(failed_transactions as bigint) as failed_transactions,
        cast(operating_cost_usd as decimal(18, 2)) as operating_cost_usd,
        cast(cost_per_transaction_usd as decimal(18, 6)) as cost_per_transaction_usd,
        cast(error_rate as {{ type_double() }}) as error_rate,
        cast(baseline_cost_per_transaction_usd as decimal(18, 6)) as baseline_cost_per_transaction_usd,
        cast(baseline_error_rate as {{ type_double() }}) as baseline_error_rate,
        cast(cost_per_transaction_usd - baseline_cost_per_transaction_usd as decimal(18, 6))
            as cost_per_transaction_delta_usd,
        cast(
            {{ safe_divide('cost_per_transaction_usd - baseline_cost_per_transaction_usd', 'baseline_cost_per_transaction_usd') }}
            as {{ type_double() }}
        ) as cost_per_transaction_delta_pct,
        cast(error_rate - baseline_error_rate as {{ type_double() }}) as error_rate_delta,
        is_baseline_verifiable
    from rated
)

select * from final
