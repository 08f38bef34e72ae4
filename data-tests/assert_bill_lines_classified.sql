{#- Nothing on the bill goes silent: fails naming every Bedrock usage type no rule classifies (its
    cost still counts, as the waterfall's `unclassified` cause), and every token line whose token
    kind, unit or model cannot be read. Each row's `message` is an `UNCLASSIFIED BILL LINE:` line with
    the fix. bedrock_costs_fail_on_unclassified_bill_lines: false turns the failure into a warning. -#}
{{ config(
    enabled=bedrock_costs.bill_enabled(),
    severity=('error' if var('bedrock_costs_fail_on_unclassified_bill_lines', true) | string | lower == 'true' else 'warn'),
) }}

with

lines as (
    select * from {{ ref('int_bill_lines_resolved') }}
),

culprits as (
    select
        lines.usage_type,
        lines.product_code,
        lines.pricing_unit,
        case
            when lines.line_kind = 'unclassified'
                then
                    'no rule classifies this usage type: add a usage_kind rule for its pattern to'
                    || ' seeds/cur_usage_type_rules.csv'
            when lines.token_type is null
                then 'a token line whose token kind (input, output, cache read or write) the usage type does not name'
            when lines.tokens_per_unit is null
                then 'a token line in a unit the staging model cannot convert to tokens (pricing_unit and the description''s third field)'
            else
                'a token line whose model no rule resolves: add its usage-type name to seeds/cur_usage_type_models.csv'
                || ' (or its product[''model''] to seeds/price_list_model_map.csv)'
        end as fix,
        count(*) as line_count,
        sum(lines.gross_cost_usd) as gross_cost_usd,
        min(lines.usage_date) as first_date,
        max(lines.usage_date) as last_date
    from lines
    where
        lines.line_kind = 'unclassified'
        or (
            lines.carries_tokens
            and (lines.token_type is null or lines.tokens_per_unit is null or lines.model_id is null)
        )
    group by 1, 2, 3, 4
),

final as (
    select
        culprits.*,
        'UNCLASSIFIED BILL LINE: ' || coalesce(culprits.usage_type, '(no usage type)') || ' ('
        || coalesce(culprits.product_code, '-') || ', ' || coalesce(culprits.pricing_unit, '-') || '): '
        || cast(culprits.line_count as varchar)
        || ' lines, $' || {{ bedrock_costs.decimal_text('culprits.gross_cost_usd', 2) }}
        || ', ' || cast(culprits.first_date as varchar) || ' to ' || cast(culprits.last_date as varchar)
        || ' - ' || culprits.fix as message
    from culprits
)

select * from final
