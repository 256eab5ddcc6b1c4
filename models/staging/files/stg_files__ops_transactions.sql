with

source as (
    select * from {{ optional_source('files', 'ops_transactions') }}
),

deduplicated as (
    {{ deduplicate('source', ['transaction_date', 'team', 'process']) }}
),

renamed as (
    select
        ---------- ids
        team as team_name,
        process as process_name,

        ---------- numerics
        cast(transactions as bigint) as transactions,
        cast(failed_transactions as bigint) as failed_transactions,
        cast(operating_cost as decimal(18, 2)) as operating_cost_usd,

        ---------- dates
        cast(transaction_date as date) as transaction_date

    from deduplicated
)

select * from renamed
