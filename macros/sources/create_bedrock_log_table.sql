{#- Athena: create (or bring up to date) the Glue external table over the raw invocation logs.

      dbt run-operation create_bedrock_log_table            # create, then refresh the projection
      dbt run-operation create_bedrock_log_table --args '{dry_run: true}'   # print the SQL only

    JSON SerDe with ignore.malformed.json, only the fields the project needs (no body columns),
    and partition projection over s3://<bucket>/<prefix>/AWSLogs/<account>/BedrockModelInvocationLogs/<region>/yyyy/MM/dd/HH/,
    so no crawler or MSCK REPAIR is ever needed. Idempotent: re-running applies changed vars
    (a new account or region) through ALTER TABLE ... SET TBLPROPERTIES. -#}
{% macro create_bedrock_log_table(dry_run=false) %}
    {%- if target.type != 'athena' and not dry_run -%}
        {{ log('create_bedrock_log_table: only needed on Athena (target ' ~ target.type ~ ' reads the files directly)', info=true) }}
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
    {{ var('bedrock_costs_raw_schema', target.schema) }}.{{ var('bedrock_costs_raw_table', 'bedrock_invocation_logs') }}
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
    `input` struct<inputtokencount: bigint, cachereadinputtokencount: bigint, cachewriteinputtokencount: bigint>,
    `output` struct<outputtokencount: bigint>,
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
