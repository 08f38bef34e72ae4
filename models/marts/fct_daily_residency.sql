{#- Daily calls per app, geo pool and the region that served them. -#}
{{ bedrock_costs.daily_cost_mart([
    'app',
    'team',
    'aws_region',
    {'name': 'geo_pool', 'expression': "coalesce(hourly_usage.routing_prefix, 'in_region')"},
    {'name': 'serving_region', 'expression': 'coalesce(hourly_usage.inference_region, hourly_usage.aws_region)'},
]) }}
