{#- Team throughput per team and calendar month; definitions in macros/metrics/team_delivery_metrics.sql. -#}
{{ team_delivery_metrics('month') }}
