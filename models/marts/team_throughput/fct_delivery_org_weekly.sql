{#-
    Organisation-level throughput per ISO week: every metric recomputed over all teams'
    events (medians of all PRs, not averages of team medians).
-#}
{{ team_delivery_metrics('week', scopes=['org']) }}
