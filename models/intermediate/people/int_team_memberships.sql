{#-
    Effective-dated team membership, one row per person and membership period, with the
    account kind: `human`, `bot` (roster is_bot or seed bot_accounts kind bot) or
    `ai_agent`. valid_to is exclusive; an open period ends on 9999-12-31.
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
        coalesce(roster.valid_to, cast('9999-12-31' as date)) as valid_to
    from roster
    left join bot_accounts on roster.person_id = bot_accounts.person_id
)

select * from final
