{#- Organisation-level throughput per calendar month (all teams' events together). -#}
{{ team_delivery_metrics('month', scopes=['org']) }}
