{#- Incremental like the other daily marts (folder defaults), over the metadata-attributed calls. -#}
{{ bedrock_costs.daily_cost_mart(
    ['app', 'team', 'cost_center', 'environment', 'app_source', 'tenant', 'end_user', 'end_user_source',
     'caller_arn', 'caller_name', 'model_id'],
    attribution='request_metadata',
) }}
