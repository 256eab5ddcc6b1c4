{#-
    Incidents from wherever a company records them, one row per incident, with the team
    that owns it (service_ownership):
    - `pagerduty`: PagerDuty incidents; the team owning the incident's service
      (service_type pagerduty_service, by service name or id); explicit deployment and
      commit references kept.
    - `github_issue` / `gitlab_issue`: GitHub or GitLab issues carrying any label in
      var('github_incident_labels');
      opened = started, closed = resolved; the team owning the repository
      (service_type repository).
    - `jira`: Jira issues whose type is in var('jira_incident_issue_types') or whose project is
      in var('jira_incident_project_keys') (e.g. a Jira Service Management project the
      source's JQL selects); created = started, resolution date = resolved; the team owning
      the project (service_type jira_project).
    All three attach to deployments by the same rules (int_incidents_joined_to_deployments).
-#}
with

pagerduty_incidents as (
    select * from {{ ref('stg_incidents__incidents') }}
),

github_issues as (
    select * from {{ ref('int_incident_issues_unioned') }}
),

jira_issues as (
    select * from {{ ref('stg_jira__issues') }}
),

ownership as (
    select * from {{ ref('stg_files__service_ownerships') }}
),

from_pagerduty as (
    select
        pagerduty_incidents.incident_id,
        'pagerduty' as incident_source,
        ownership.team_name,
        pagerduty_incidents.service_name,
        pagerduty_incidents.urgency,
        pagerduty_incidents.incident_status,
        pagerduty_incidents.deployment_reference,
        pagerduty_incidents.commit_reference,
        pagerduty_incidents.started_at,
        pagerduty_incidents.resolved_at
    from pagerduty_incidents
    left join ownership
        on ownership.service_type = 'pagerduty_service'
        and (
            pagerduty_incidents.service_name = ownership.service_name
            or pagerduty_incidents.service_id = ownership.service_name
        )
),

{%- set labels = var('github_incident_labels') %}

from_github_issues as (
    select
        coalesce(github_issues.platform, 'github') || '_issue:'
        || cast(github_issues.issue_id as {{ dbt.type_string() }}) as incident_id,
        coalesce(github_issues.platform, 'github') || '_issue' as incident_source,
        ownership.team_name,
        github_issues.repository_full_name as service_name,
        cast(null as {{ dbt.type_string() }}) as urgency,
        case when github_issues.issue_state = 'closed' then 'resolved' else 'triggered' end as incident_status,
        cast(null as {{ dbt.type_string() }}) as deployment_reference,
        cast(null as {{ dbt.type_string() }}) as commit_reference,
        github_issues.created_at as started_at,
        github_issues.closed_at as resolved_at
    from github_issues
    left join ownership
        on ownership.service_type = 'repository'
        and github_issues.repository_full_name = ownership.service_name
    where
        {%- if labels | length == 0 %}
            1 = 0
        {%- else %}
            (
                {%- for label in labels %}
                    {{ contains_text("',' || github_issues.label_names || ','", "'," ~ (label | lower) ~ ",'") }}
                    {{- " or" if not loop.last }}
                {%- endfor %}
            )
        {%- endif %}
),

{%- set issue_types = var('jira_incident_issue_types') | map('lower') | list %}
{%- set project_keys = var('jira_incident_project_keys') %}

from_jira as (
    select
        'jira:' || jira_issues.issue_key as incident_id,
        'jira' as incident_source,
        ownership.team_name,
        jira_issues.project_key as service_name,
        cast(null as {{ dbt.type_string() }}) as urgency,
        case when jira_issues.resolved_at is not null then 'resolved' else 'triggered' end as incident_status,
        cast(null as {{ dbt.type_string() }}) as deployment_reference,
        cast(null as {{ dbt.type_string() }}) as commit_reference,
        jira_issues.created_at as started_at,
        jira_issues.resolved_at
    from jira_issues
    left join ownership
        on ownership.service_type = 'jira_project'
        and jira_issues.project_key = ownership.service_name
    where
    {%- if issue_types | length == 0 and project_keys | length == 0 %}
            1 = 0
        {%- else %}
            {%- if issue_types | length > 0 %}
                lower(jira_issues.issue_type) in ({{ quoted_list(issue_types) }})
            {%- endif %}
        {%- if project_keys | length > 0 %}
                {{ "or " if issue_types | length > 0 }}lower(jira_issues.project_key) in ({{ quoted_list(project_keys) }})
            {%- endif %}
    {%- endif %}
),

final as (
    select * from from_pagerduty
    union all
    select * from from_github_issues
    union all
    select * from from_jira
)

select * from final
