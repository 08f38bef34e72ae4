{#- Daily cost per app and caller, and model. -#}
{{ bedrock_costs.daily_cost_mart(['app', 'team', 'caller_arn', 'caller_name', 'model_id']) }}
