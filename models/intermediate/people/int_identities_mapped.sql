{#-
    AI tool identities mapped to roster people, one row per tool identity: the drop
    folder's identity_map (a Cursor or Claude Code e-mail, a usage file's login -> a roster
    login). An identity absent here counts as itself (it matches the roster when the tool
    uses the roster login).
-#}
with

identity_map as (
    select * from {{ ref('stg_files__identity_map') }}
),

final as (
    select
        identity_id,
        person_id
    from identity_map
)

select * from final
