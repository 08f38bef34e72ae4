{#- Daily cost per IAM caller, model and attribution status. -#}
{{ bedrock_costs.daily_cost_mart([
    'account_id', 'caller_arn', 'caller_name', 'caller_type', 'department', 'model_id', 'attribution_status',
]) }}
