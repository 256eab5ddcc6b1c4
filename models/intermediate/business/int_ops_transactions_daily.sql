{#- Operations volumes per team and day (all processes summed). -#}
with

ops as (
    select * from {{ ref('stg_files__ops_transactions') }}
),

final as (
    select
        team_name,
        transaction_date,
        sum(transactions) as transactions,
        sum(failed_transactions) as failed_transactions,
        sum(operating_cost_usd) as operating_cost_usd
    from ops
    group by team_name, transaction_date
)

select * from final
