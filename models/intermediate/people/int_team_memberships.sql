{#-
    Effective-dated team membership, one row per person and membership period, with the
    account kind: `human`, `bot` (roster is_bot or seed bot_accounts kind bot) or
    `ai_agent`. The roster's valid_to is the inclusive last day of membership (as HR
    exports mean it); here valid_to is exclusive (that day + 1), so every interval test
    downstream is `valid_from <= day < valid_to`; an open period ends on 9999-12-31.
-#}
with

roster as (
    select * from {{ ref('stg_files__roster') }}
),

bot_accounts as (
    select
        {{ pseudonymize('login') }} as person_id,
        account_kind
    from {{ ref('bot_accounts') }}
),

final as (
    select
        roster.person_id,
        roster.team_name,
        roster.role,
        case
            when bot_accounts.account_kind = 'ai_agent' then 'ai_agent'
            when roster.is_bot or bot_accounts.account_kind = 'bot' then 'bot'
            else 'human'
        end as account_kind,
        roster.valid_from,
        coalesce(
            cast({{ dbt.dateadd('day', 1, 'roster.valid_to') }} as date), cast('9999-12-31' as date)
        ) as valid_to
    from roster
    left join bot_accounts on roster.person_id = bot_accounts.person_id
)

select * from final
