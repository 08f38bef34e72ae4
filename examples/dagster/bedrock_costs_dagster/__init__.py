"""bedrock-costs from Dagster: the dbt models as assets (dagster-dbt), then `bedrock-costs notify`."""
