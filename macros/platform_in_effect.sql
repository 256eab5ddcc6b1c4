{#-
    The rows of `relation` (a CTE with repository_full_name and platform) from the platform
    in effect for their repository at `event_time` (a column of the relation), by
    int_repository_platform_periods (docs/metrics.md, Repositories that moved between
    platforms): the time inside the period [valid_from, valid_to) of the row's repository
    and platform, null bounds open. A null time falls in the open-ended (current) period.
    A repository without a period on the row's platform (not in the repository tables) keeps
    its rows, so a repository on one platform is unchanged.

    With `unique_key` (a list of columns), for git objects that both platforms hold (commits,
    parent edges, tags), keep one row per key instead: the in-effect platform's row when
    there is one, otherwise the only one (a row present on one side only is kept).
-#}
{% macro platform_in_effect(relation, event_time, unique_key=none) -%}
    {%- set time = 'platform_rows.' ~ event_time -%}
    {%- set is_in_effect -%}
        coalesce(
            platform_periods.repository_full_name is null
            or ({{ time }} is null and platform_periods.valid_to is null)
            or (
                (platform_periods.valid_from is null or {{ time }} >= platform_periods.valid_from)
                and (platform_periods.valid_to is null or {{ time }} < platform_periods.valid_to)
            ),
            false
        )
    {%- endset -%}
    select *
    from (
        select
            platform_rows.*,
            {{ is_in_effect }} as is_platform_in_effect
            {%- if unique_key %},
            row_number() over (
                partition by {% for column in unique_key %}platform_rows.{{ column }}{{ ", " if not loop.last }}{% endfor %}
                order by case when {{ is_in_effect }} then 0 else 1 end, platform_rows.platform
            ) as platform_row_number
            {%- endif %}
        from {{ relation }} as platform_rows
        left join {{ ref('int_repository_platform_periods') }} as platform_periods
            on platform_rows.repository_full_name = platform_periods.repository_full_name
            and platform_rows.platform = platform_periods.platform
    ) as platform_filtered
    {%- if unique_key %}
    where platform_row_number = 1
    {%- else %}
    where is_platform_in_effect
    {%- endif %}
{%- endmacro %}
