{#- DuckDB: the Parquet files that hold the export's current data, under cur_root()/<export>/:
    for each billing period, the files its newest manifest lists
    (metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json, written after all of its data files),
    mapped from their s3:// URIs onto the root, so a local copy (aws s3 sync) reads the same. A
    manifest is rewritten at every refresh, so a file it no longer lists (an earlier refresh's, or a
    'create new report' delivery folder) is never read twice. A period without a manifest reads the
    Parquet files directly in its data folder. -#}
{% macro cur_export_files() %}
    {%- set export_root = bedrock_costs.cur_root() ~ '/' ~ bedrock_costs.cur_export_name() -%}
    {%- set data_glob = export_root ~ '/data/BILLING_PERIOD=*/*.parquet' -%}
    {%- if not execute -%}
        {{ return([data_glob]) }}
    {%- endif -%}
    {%- set manifests = run_query("select file from glob(" ~ bedrock_costs.sql_string(export_root ~ '/metadata/BILLING_PERIOD=*/**/*Manifest.json') ~ ") order by file").columns[0].values() -%}
    {%- set files = [] -%}
    {%- set covered = [] -%}
    {%- if manifests | length > 0 -%}
        {%- set listed -%}
            with

            manifests as (
                select
                    manifest.filename as manifest_file,
                    regexp_extract(manifest.filename, '^(.*)/metadata/BILLING_PERIOD=', 1) as export_folder,
                    regexp_extract(manifest.filename, '/metadata/BILLING_PERIOD=([^/]+)/', 1) as billing_period,
                    row_number() over (
                        partition by
                            regexp_extract(manifest.filename, '^(.*)/metadata/BILLING_PERIOD=', 1),
                            regexp_extract(manifest.filename, '/metadata/BILLING_PERIOD=([^/]+)/', 1)
                        order by manifest.last_modified desc, manifest.filename desc
                    ) as newest_rank,
                    json_extract_string(manifest.content, '$.dataFiles[*]') as data_files
                from read_text([
                    {%- for manifest in manifests %}
                    {{ bedrock_costs.sql_string(manifest) }}{{ ',' if not loop.last }}
                    {%- endfor %}
                ]) as manifest
            ),

            listed_files as (
                select
                    export_folder,
                    billing_period,
                    unnest(data_files) as data_file
                from manifests
                where newest_rank = 1
            )

            select
                export_folder || '/' || regexp_extract(data_file, '/(data/BILLING_PERIOD=.+)$', 1) as data_file,
                export_folder || '/' || billing_period as covered_period
            from listed_files
            where regexp_extract(data_file, '/(data/BILLING_PERIOD=.+)$', 1) <> ''
            order by 1
        {%- endset -%}
        {%- for row in run_query(listed).rows -%}
            {%- do files.append(row[0]) -%}
            {%- if row[1] not in covered -%}
                {%- do covered.append(row[1]) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {#- periods without a manifest: their data folder's Parquet files -#}
    {%- for data_file in run_query("select file from glob(" ~ bedrock_costs.sql_string(data_glob) ~ ") order by file").columns[0].values() -%}
        {%- set period_folder = modules.re.sub('/data/(BILLING_PERIOD=)([^/]+)/[^/]*$', '/\\2', data_file) -%}
        {%- if period_folder not in covered -%}
            {%- do files.append(data_file) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(files) }}
{% endmacro %}
