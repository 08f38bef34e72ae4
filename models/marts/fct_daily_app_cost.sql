{#- Daily cost per app (team, cost center, environment), model and attribution status. -#}
{{ bedrock_costs.daily_cost_mart(['app', 'team', 'cost_center', 'environment', 'model_id', 'attribution_status']) }}
