{#-
    Which platform is the source of truth for a repository at any moment (docs/metrics.md,
    Repositories that moved between platforms): one row per repository full name and
    platform with a half-open period [valid_from, valid_to), null meaning the beginning of
    time / open-ended. A repository on one platform gets one open period. A repository on both moved once: to seed `repository_platform_moves`' `to_platform` at its `moved_at`,
    or, without a seed row, to the platform whose repository/project was created later, at
    that `created_at` (the later-named platform, gitlab, when neither has one: it then holds
    the whole history and the other side an empty period ending 1900-01-01). The platform unions keep only the rows of the platform in effect
    (macro platform_in_effect).
-#}
with

github_repositories as (
    select * from {{ ref('stg_github__repositories') }}
),

gitlab_projects as (
    select * from {{ ref('stg_gitlab__projects') }}
),

moves as (
    select * from {{ ref('repository_platform_moves') }}
),

repositories as (
    select
        repository_full_name,
        'github' as platform,
        created_at
    from github_repositories
    union all
    select
        repository_full_name,
        platform,
        created_at
    from gitlab_projects
),

platform_repositories as (
    select
        repository_full_name,
        platform,
        min(created_at) as created_at
    from repositories
    group by repository_full_name, platform
),

ranked_by_creation as (
    select
        repository_full_name,
        platform,
        created_at,
        count(*) over (partition by repository_full_name) as platform_count,
        row_number() over (
            partition by repository_full_name
            order by created_at desc nulls last, platform desc
        ) as creation_rank
    from platform_repositories
),

cut_overs as (
    select
        ranked_by_creation.repository_full_name,
        case
            when moves.repository_full_name is not null then moves.to_platform
            else ranked_by_creation.platform
        end as to_platform,
        case
            when moves.repository_full_name is not null then moves.moved_at
            else ranked_by_creation.created_at
        end as moved_at,
        case when moves.repository_full_name is not null then 'seed' else 'inferred' end as cut_over_source
    from ranked_by_creation
    left join moves
        on ranked_by_creation.repository_full_name = moves.repository_full_name
    where
        ranked_by_creation.platform_count = 2
        and ranked_by_creation.creation_rank = 1
),

final as (
    select
        ---------- ids
        platform_repositories.repository_full_name,
        platform_repositories.platform,

        ---------- strings
        coalesce(cut_overs.cut_over_source, 'single_platform') as cut_over_source,

        ---------- booleans
        coalesce(platform_repositories.platform = cut_overs.to_platform, true) as is_current_platform,

        ---------- timestamps
        case
            when platform_repositories.platform = cut_overs.to_platform then cut_overs.moved_at
        end as valid_from,
        -- no cut-over time known (neither side has a created_at): the destination holds the
        -- whole history and the other side an empty period, so nothing is counted twice
        case
            when platform_repositories.platform <> cut_overs.to_platform
                then coalesce(cut_overs.moved_at, cast('1900-01-01 00:00:00' as timestamp))
        end as valid_to
    from platform_repositories
    left join cut_overs
        on platform_repositories.repository_full_name = cut_overs.repository_full_name
)

select * from final
