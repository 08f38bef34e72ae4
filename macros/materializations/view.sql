{#-
  A view on DuckDB in one statement, `create or replace view`, where dbt's default view
  materialization sends six (create a temporary view, rename the old one away, rename the new one
  in, commit, drop the old one): a scheduled run has about 25 views, and each statement costs dbt
  more than DuckDB (docs/performance-experiments.md, experiment 11). The view is replaced
  atomically either way, and a view that fails to compile leaves the old one in place. A table of
  the same name (a model that was a table) is dropped first, in the same transaction. Hooks,
  sql_header, the column contract and persist_docs work as in the default; other adapters keep
  their own materialization, and so does a project that installs this one as a package (dbt lets
  only the root project replace a built-in materialization).
-#}
{%- materialization view, adapter='duckdb' -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='view') -%}
  {%- set sql_header = config.get('sql_header', none) -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- if existing_relation is not none and not existing_relation.is_view %}
    {{ drop_relation_if_exists(existing_relation) }}
  {%- endif %}

  {%- if config.get('contract').enforced %}
    {{ get_assert_columns_equivalent(sql) }}
  {%- endif %}

  {% call statement('main') -%}
    {{ sql_header if sql_header is not none }}
    create or replace view {{ target_relation }} as (
      {{ sql }}
    );
  {%- endcall %}

  {% do persist_docs(target_relation, model) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {{ adapter.commit() }}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}
