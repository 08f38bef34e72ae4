{#- Athena (and Trino): create, or bring up to date, the table over the CUR 2.0 export that the
    bill models read (var bedrock_costs_cur_table, `table` or `schema.table`).

      dbt run-operation create_cur_table                        # create, then refresh the projection
      dbt run-operation create_cur_table --args '{dry_run: true}'   # print the SQL only

    Parquet, over s3://<bucket>/<prefix>/<export>/data/ (vars bedrock_costs_cur_bucket,
    bedrock_costs_cur_prefix, bedrock_costs_cur_export_name), partitioned by billing_period
    (`YYYY-MM`, the BILLING_PERIOD=YYYY-MM folders), projected from bedrock_costs_cur_start_period to
    now, so no crawler, MSCK REPAIR or partition sync is ever needed (Athena's partition projection,
    and the Trino Hive connector's). The export must overwrite its period in place
    (OVERWRITE_REPORT): the table reads every file in a period's folder. Only the columns the project reads are declared; Parquet is read
    by column name, so the rest of the export's columns are simply not read. -#}
{% macro create_cur_table(dry_run=false) %}
    {%- if target.type not in ('athena', 'trino') and not dry_run -%}
        {{ log('create_cur_table: only needed on Athena and Trino (target ' ~ target.type ~ ' reads the export files directly)', info=true) }}
        {{ return('') }}
    {%- endif -%}
    {%- for statement in bedrock_costs.cur_table_statements() -%}
        {%- if dry_run -%}
            {{ log(statement ~ ';', info=true) }}
        {%- else -%}
            {% do run_query(statement) %}
        {%- endif -%}
    {%- endfor -%}
    {%- if not dry_run -%}
        {{ log('create_cur_table: ' ~ bedrock_costs.cur_table_name() ~ ' is ready', info=true) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#- schema.table of the CUR table: bedrock_costs_cur_table, in the target's schema when it names none. -#}
{% macro cur_table_name() -%}
    {%- set name = var('bedrock_costs_cur_table', '') | string | trim -%}
    {%- if not name -%}
        {{ exceptions.raise_compiler_error('Set the var bedrock_costs_cur_table (the CUR table to create and read, `table` or `schema.table`).') }}
    {%- endif -%}
    {%- if not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?', name) -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_cur_table: ' ~ name ~ ' is not a table name (`table` or `schema.table`: letters, digits, _)') }}
    {%- endif -%}
    {%- set qualified = name if '.' in name else target.schema ~ '.' ~ name -%}
    {#- Trino: the table lives in the Hive catalog, beside the raw log table -#}
    {{ return(bedrock_costs.raw_log_database() ~ '.' ~ qualified if target.type == 'trino' else qualified) }}
{%- endmacro %}


{#- s3://bucket/prefix/export/data/: where the export's billing periods are. Each part is checked,
    since it is inlined into DDL: a quote or a wildcard is refused, not escaped. On Trino without a
    bucket, a local copy of the export (bedrock_costs_cur_path, an absolute folder: the local Trino of
    `make trino-up`) is local:///<folder>/<export>/data/, as the log table's local folder is. -#}
{% macro cur_data_location() -%}
    {%- set bucket = var('bedrock_costs_cur_bucket', '') | string | trim -%}
    {%- if target.type == 'trino' and not bucket and bedrock_costs.cur_root().startswith('/') -%}
        {%- set export = bedrock_costs.cur_export_name() -%}
        {%- if '*' in export -%}
            {{ exceptions.raise_compiler_error('bedrock_costs_cur_export_name: set it to the export\'s name (a table reads one export)') }}
        {%- endif -%}
        {{ return('local://' ~ bedrock_costs.cur_root() ~ '/' ~ export ~ '/data/') }}
    {%- endif -%}
    {%- if not modules.re.fullmatch('[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]', bucket) -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_cur_bucket: "' ~ bucket ~ '" is not an S3 bucket name; set it to the bucket the CUR 2.0 export is delivered to.') }}
    {%- endif -%}
    {%- set prefix = var('bedrock_costs_cur_prefix', '') | string | trim | trim('/') -%}
    {%- if prefix and not modules.re.fullmatch('[A-Za-z0-9!_.()/=+@:,-]+', prefix) -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_cur_prefix: ' ~ prefix ~ ' has characters an S3 prefix cannot use here (quotes, spaces, wildcards)') }}
    {%- endif -%}
    {%- set export = bedrock_costs.cur_export_name() -%}
    {%- if '*' in export -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_cur_export_name: set it to the export\'s name (a table reads one export)') }}
    {%- endif -%}
    {{ return('s3://' ~ bucket ~ ('/' ~ prefix if prefix else '') ~ '/' ~ export ~ '/data/') }}
{%- endmacro %}


{#- The DDL, per engine: a list of statements. -#}
{% macro cur_table_statements() %}
    {{ return(adapter.dispatch('cur_table_statements', 'bedrock_costs')()) }}
{% endmacro %}

{% macro athena__cur_table_statements() %}
    {%- set location = bedrock_costs.cur_data_location() -%}
    {%- set start_period = var('bedrock_costs_cur_start_period', '2026-01') | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}', start_period) -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_cur_start_period: ' ~ start_period ~ ' is not a billing period (YYYY-MM)') }}
    {%- endif -%}
    {%- set hive_types = {'varchar': 'string', 'double': 'double', 'timestamp': 'timestamp', 'map(varchar, varchar)': 'map<string, string>'} -%}
    {%- set properties -%}
        'projection.enabled' = 'true',
        'projection.billing_period.type' = 'date',
        'projection.billing_period.format' = 'yyyy-MM',
        'projection.billing_period.range' = '{{ start_period }},NOW',
        'projection.billing_period.interval' = '1',
        'projection.billing_period.interval.unit' = 'MONTHS',
        'storage.location.template' = '{{ location }}BILLING_PERIOD=${billing_period}/'
    {%- endset -%}
    {%- set create_table -%}
create external table if not exists {{ bedrock_costs.cur_table_name() }} (
    {%- for column_name, column_type in bedrock_costs.cur_columns() %}
    `{{ column_name }}` {{ hive_types[column_type] }}{{ ',' if not loop.last }}
    {%- endfor %}
)
partitioned by (`billing_period` string)
stored as parquet
location '{{ location }}'
tblproperties (
        {{ properties }}
)
    {%- endset -%}
    {%- set refresh_projection -%}
alter table {{ bedrock_costs.cur_table_name() }} set tblproperties (
        {{ properties }}
)
    {%- endset -%}
    {{ return([create_table, refresh_projection]) }}
{% endmacro %}

{#- Trino's Hive connector takes the same table as CREATE TABLE ... WITH, projection as column and
    table properties (as the log table does), in the Hive catalog of bedrock_costs_raw_database. The
    table is external: dropping it to apply changed vars leaves the export alone. Trino's date
    projection steps by days, hours, minutes or seconds, never months (a `yyyy-MM` range fails, or
    would list each month once a day), so the billing periods are an enum: every month from
    bedrock_costs_cur_start_period to 24 months after the run-operation (a period not delivered yet is
    an absent partition, as an hour without logs is: hive.ignore-absent-partitions). -#}
{% macro trino__cur_table_statements() %}
    {%- set location = bedrock_costs.cur_data_location() -%}
    {%- set table_name = bedrock_costs.cur_table_name() -%}
    {%- set start_period = var('bedrock_costs_cur_start_period', '2026-01') | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}', start_period) -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_cur_start_period: ' ~ start_period ~ ' is not a billing period (YYYY-MM)') }}
    {%- endif -%}
    {%- set first_year, first_month = start_period[:4] | int, start_period[5:] | int -%}
    {%- set today = modules.datetime.date.today() -%}
    {%- set periods = [] -%}
    {%- for i in range((today.year - first_year) * 12 + today.month - first_month + 25) -%}
        {%- set month = first_month - 1 + i -%}
        {%- do periods.append("'%04d-%02d'" % (first_year + month // 12, month % 12 + 1)) -%}
    {%- endfor -%}
    {%- set create_schema -%}
create schema if not exists {{ table_name.rsplit('.', 1)[0] }}
    {%- endset -%}
    {%- set drop_table -%}
drop table if exists {{ table_name }}
    {%- endset -%}
    {%- set create_table -%}
create table {{ table_name }} (
    {%- for column_name, column_type in bedrock_costs.cur_columns() %}
    {{ column_name }} {{ column_type }},
    {%- endfor %}
    billing_period varchar with (
        partition_projection_type = 'enum', partition_projection_values = array[{{ periods | join(', ') }}]
    )
)
with (
    format = 'PARQUET',
    external_location = {{ bedrock_costs.sql_string(location) }},
    partitioned_by = array['billing_period'],
    partition_projection_enabled = true,
    partition_projection_location_template = {{ bedrock_costs.sql_string(location ~ 'BILLING_PERIOD=${billing_period}/') }}
)
    {%- endset -%}
    {{ return([create_schema, drop_table, create_table]) }}
{% endmacro %}

{% macro default__cur_table_statements() %}
    {{ exceptions.raise_compiler_error('cur_table_statements: no table to create on adapter ' ~ target.type ~ ' (DuckDB reads the export files directly)') }}
{% endmacro %}
