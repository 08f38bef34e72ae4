{#- Athena and Trino: create (or bring up to date) the external table over the raw invocation logs.

      dbt run-operation create_bedrock_log_table            # create, then refresh the projection
      dbt run-operation create_bedrock_log_table --args '{dry_run: true}'   # print the SQL only

    OpenX JSON SerDe with ignore.malformed.json, only the fields the project needs (no body columns;
    token counts as strings, so a count that is not a number is a malformed line on every engine, as
    on DuckDB), and partition projection over
    <root>/AWSLogs/<account>/BedrockModelInvocationLogs/<region>/yyyy/MM/dd/HH/, so no crawler or
    MSCK REPAIR is ever needed. Idempotent: re-running applies changed vars (a new account or region):
    Athena through ALTER TABLE ... SET TBLPROPERTIES; Trino, whose Hive connector cannot alter table
    properties, by dropping the external table (the files stay) and creating it again. -#}
{% macro create_bedrock_log_table(dry_run=false) %}
    {%- if target.type not in ('athena', 'trino') and not dry_run -%}
        {{ log('create_bedrock_log_table: only needed on Athena and Trino (target ' ~ target.type ~ ' reads the files directly)', info=true) }}
        {{ return('') }}
    {%- endif -%}
    {%- set statements = bedrock_costs.bedrock_log_table_statements() -%}
    {%- for statement in statements -%}
        {%- if dry_run -%}
            {{ log(statement ~ ';', info=true) }}
        {%- else -%}
            {% do run_query(statement) %}
        {%- endif -%}
    {%- endfor -%}
    {%- if not dry_run -%}
        {{ log('create_bedrock_log_table: ' ~ bedrock_costs.bedrock_log_table_name() ~ ' is ready', info=true) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{% macro bedrock_log_table_name() -%}
    {%- if target.type == 'trino' -%}
        {{ bedrock_costs.raw_log_database() }}.{{ var('bedrock_costs_raw_schema', target.schema) }}.{{ var('bedrock_costs_raw_table', 'bedrock_invocation_logs') }}
    {%- else -%}
        {{ var('bedrock_costs_raw_schema', target.schema) }}.{{ var('bedrock_costs_raw_table', 'bedrock_invocation_logs') }}
    {%- endif -%}
{%- endmacro %}


{#- The catalog of the raw log table: Athena's data catalog; on Trino, a Hive catalog (the models'
    own tables live in the Iceberg catalog of the profile). -#}
{% macro raw_log_database() -%}
    {{ return(var('bedrock_costs_raw_database', 'hive' if target.type == 'trino' else target.database)) }}
{%- endmacro %}


{#- The S3 folder that holds AWSLogs/ (s3://bucket/prefix, no trailing slash), from the vars bucket
    and prefix. Both are checked: they are inlined into DDL and queries, so a quote or a wildcard
    in them is refused, not escaped into something else. -#}
{% macro bedrock_log_root() -%}
    {%- set bucket = (var('bedrock_costs_log_bucket', none) or '') | string | trim -%}
    {%- if not bucket -%}
        {{ exceptions.raise_compiler_error('Set the var bedrock_costs_log_bucket (the S3 bucket Bedrock writes invocation logs to).') }}
    {%- endif -%}
    {%- if not modules.re.fullmatch('[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]', bucket) -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_log_bucket: ' ~ bucket ~ ' is not an S3 bucket name (lower-case letters, digits, dots and hyphens, 3 to 63 characters).') }}
    {%- endif -%}
    {%- set prefix = (var('bedrock_costs_log_prefix', '') or '') | string | trim | trim('/') -%}
    {%- if prefix and not modules.re.fullmatch('[A-Za-z0-9!_.()/=+@:,-]+', prefix) -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_log_prefix: ' ~ prefix ~ ' has characters a log prefix cannot use here (quotes, spaces, wildcards): use letters, digits and / ! _ . ( ) = + @ : , -') }}
    {%- endif -%}
    {{ return('s3://' ~ bucket ~ ('/' ~ prefix if prefix else '')) }}
{%- endmacro %}


{% macro bedrock_log_table_statements() %}
    {{ return(adapter.dispatch('bedrock_log_table_statements', 'bedrock_costs')()) }}
{% endmacro %}


{% macro athena__bedrock_log_table_statements() %}
    {%- set accounts = var('bedrock_costs_log_accounts', []) -%}
    {%- set regions = var('bedrock_costs_log_regions', []) -%}
    {%- if accounts | length == 0 or regions | length == 0 -%}
        {{ exceptions.raise_compiler_error('Set the vars bedrock_costs_log_accounts and bedrock_costs_log_regions (lists) for the log table projection.') }}
    {%- endif -%}
    {%- set root = bedrock_costs.bedrock_log_root() ~ '/AWSLogs/' -%}
    {%- set start = (var('bedrock_costs_log_start_date', '2025-01-01') | string | replace('-', '/')) ~ '/00' -%}
    {%- set properties -%}
        'projection.enabled' = 'true',
        'projection.log_account.type' = 'enum',
        'projection.log_account.values' = '{{ accounts | join(",") }}',
        'projection.log_region.type' = 'enum',
        'projection.log_region.values' = '{{ regions | join(",") }}',
        'projection.log_hour.type' = 'date',
        'projection.log_hour.format' = 'yyyy/MM/dd/HH',
        'projection.log_hour.range' = '{{ start }},NOW',
        'projection.log_hour.interval' = '1',
        'projection.log_hour.interval.unit' = 'HOURS',
        'storage.location.template' = '{{ root }}${log_account}/BedrockModelInvocationLogs/${log_region}/${log_hour}/'
    {%- endset -%}
    {%- set create_table -%}
create external table if not exists {{ bedrock_costs.bedrock_log_table_name() }} (
    `schematype` string,
    `schemaversion` string,
    `timestamp` string,
    `accountid` string,
    `identity` struct<arn: string>,
    `region` string,
    `requestid` string,
    `operation` string,
    `modelid` string,
    `input` struct<inputtokencount: string, cachereadinputtokencount: string, cachewriteinputtokencount: string>,
    `output` struct<outputtokencount: string>,
    `inferenceregion` string,
    `requestmetadata` map<string, string>,
    `errorcode` string
)
partitioned by (`log_account` string, `log_region` string, `log_hour` string)
row format serde 'org.openx.data.jsonserde.JsonSerDe'
with serdeproperties ('ignore.malformed.json' = 'true', 'case.insensitive' = 'true')
location '{{ root }}'
tblproperties (
        {{ properties }}
)
    {%- endset -%}
    {%- set refresh_projection -%}
alter table {{ bedrock_costs.bedrock_log_table_name() }} set tblproperties (
        {{ properties }}
)
    {%- endset -%}
    {{ return([create_table, refresh_projection]) }}
{% endmacro %}


{#- Trino's Hive connector takes the same table as CREATE TABLE ... WITH: format OPENX_JSON, the SerDe
    options as extra_properties, projection as column and table properties. A local folder is
    written local:///<absolute path> (needs fs.native-local.enabled; scripts/trino_local.sh sets it). -#}
{% macro trino__bedrock_log_table_statements() %}
    {%- set accounts = var('bedrock_costs_log_accounts', []) -%}
    {%- set regions = var('bedrock_costs_log_regions', []) -%}
    {%- if accounts | length == 0 or regions | length == 0 -%}
        {{ exceptions.raise_compiler_error('Set the vars bedrock_costs_log_accounts and bedrock_costs_log_regions (lists) for the log table projection.') }}
    {%- endif -%}
    {%- set root = bedrock_costs.log_root() ~ '/AWSLogs/' -%}
    {%- set start = (var('bedrock_costs_log_start_date', '2025-01-01') | string | replace('-', '/')) ~ '/00' -%}
    {%- set quoted_accounts = [] -%}
    {%- for account in accounts %}{% do quoted_accounts.append(bedrock_costs.sql_string(account)) %}{% endfor -%}
    {%- set quoted_regions = [] -%}
    {%- for region in regions %}{% do quoted_regions.append(bedrock_costs.sql_string(region)) %}{% endfor -%}
    {%- set table = bedrock_costs.bedrock_log_table_name() -%}
    {%- set create_schema -%}
create schema if not exists {{ bedrock_costs.raw_log_database() }}.{{ var('bedrock_costs_raw_schema', target.schema) }}
    {%- endset -%}
    {%- set drop_table -%}
drop table if exists {{ table }}
    {%- endset -%}
    {%- set create_table -%}
create table {{ table }} (
    schematype varchar,
    schemaversion varchar,
    "timestamp" varchar,
    accountid varchar,
    identity row(arn varchar),
    region varchar,
    requestid varchar,
    operation varchar,
    modelid varchar,
    input row(inputtokencount varchar, cachereadinputtokencount varchar, cachewriteinputtokencount varchar),
    output row(outputtokencount varchar),
    inferenceregion varchar,
    requestmetadata map(varchar, varchar),
    errorcode varchar,
    log_account varchar with (partition_projection_type = 'enum', partition_projection_values = array[{{ quoted_accounts | join(', ') }}]),
    log_region varchar with (partition_projection_type = 'enum', partition_projection_values = array[{{ quoted_regions | join(', ') }}]),
    log_hour varchar with (
        partition_projection_type = 'date', partition_projection_format = 'yyyy/MM/dd/HH',
        partition_projection_range = array['{{ start }}', 'NOW'],
        partition_projection_interval = 1, partition_projection_interval_unit = 'HOURS'
    )
)
with (
    format = 'OPENX_JSON',
    external_location = {{ bedrock_costs.sql_string(root) }},
    partitioned_by = array['log_account', 'log_region', 'log_hour'],
    partition_projection_enabled = true,
    partition_projection_location_template = {{ bedrock_costs.sql_string(root ~ '${log_account}/BedrockModelInvocationLogs/${log_region}/${log_hour}/') }},
    extra_properties = map(array['ignore.malformed.json', 'case.insensitive'], array['true', 'true'])
)
    {%- endset -%}
    {{ return([create_schema, drop_table, create_table]) }}
{% endmacro %}


{% macro default__bedrock_log_table_statements() %}
    {{ exceptions.raise_compiler_error('bedrock_log_table_statements: no log table on adapter ' ~ target.type ~ ' (DuckDB reads the files directly)') }}
{% endmacro %}
