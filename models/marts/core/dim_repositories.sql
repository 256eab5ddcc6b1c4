{#- One row per repository (a deployable service) with its owning team. -#}
with

repositories as (
    select * from {{ ref('int_repositories_owned') }}
)

select * from repositories
