{#-
    Organisation-level throughput per ISO week: every metric recomputed over all teams'
    events (medians of all PRs, not averages of team medians); deploy days per week is the
    mean over the teams (macros/metrics/team_delivery_metrics.sql).
-#}
{{ team_delivery_metrics('week', scopes=['org']) }}
