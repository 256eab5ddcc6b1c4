{#- Team throughput per team and ISO week; definitions in macros/metrics/team_delivery_metrics.sql. -#}
{{ team_delivery_metrics('week') }}
