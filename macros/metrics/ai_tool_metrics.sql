{#-
    The one definition of the per-tool AI figures (docs/metrics.md, Suggestions, acceptance and active users).

    telemetry_modelled_hours(lines): hours saved by the telemetry_modelled method, lines
    accepted x var('minutes_saved_per_accepted_line') / 60; used by
    int_ai_hours_saved_team_daily (all tools) and fct_ai_usage_by_tool (per tool).

    acceptance_definition(tool): what "accepted / shown" counts for each tool. The tools'
    acceptance rates measure different things, so they are never pooled into one rate:
    - github_copilot: code suggestions accepted / shown (users-1-day report,
      code_acceptance_activity_count / code_generation_activity_count);
    - cursor: tab completions accepted + applied suggestions accepted / tab completions
      shown + applied suggestions accepted or rejected (Admin API daily usage);
    - claude_code: edit, multi-edit, notebook-edit and write tool proposals accepted /
      accepted + rejected (Claude Code analytics);
    - anything else: as the generic usage file reports it.
-#}
{% macro telemetry_modelled_hours(lines_column) -%}
    cast({{ lines_column }} as {{ type_double() }}) * {{ var('minutes_saved_per_accepted_line') }} / 60.0
{%- endmacro %}

{% macro acceptance_definition(tool_column) -%}
    case {{ tool_column }}
        when 'github_copilot' then 'code suggestions accepted / shown'
        when 'cursor' then 'tab completions and applied suggestions accepted / shown'
        when 'claude_code' then 'edit and write tool proposals accepted / accepted + rejected'
        else 'accepted / shown as the usage file reports them'
    end
{%- endmacro %}
