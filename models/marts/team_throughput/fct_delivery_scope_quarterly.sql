{#-
    Delivery per scope (each team, each cohort, the organisation) and calendar quarter: the
    figures the scorecard and the semantic layer's quarterly metrics read. Definitions in
    macros/metrics/team_delivery_metrics.sql.
-#}
{{ team_delivery_metrics('quarter', scopes=['team', 'cohort', 'org']) }}
