{#- The grain of stg_bedrock__invocations: no request id twice on a day, except on the calls flagged
    as sharing one (`shared_column`: different calls with one requestId, all kept). Candidates are found on a
    64-bit fingerprint first (a narrow aggregate), then compared exactly: no hash table of every id
    string, which at millions of calls costs more than the rest of the test. -#}
{% test unique_request_ids(model, day_column='usage_date', id_column='request_id', shared_column=none) %}
with

candidates as (
    select
        {{ day_column }},
        {{ bedrock_costs.fingerprint(id_column) }} as request_key
    from {{ model }}
    {%- if shared_column %}
    where not {{ shared_column }}
    {%- endif %}
    group by {{ day_column }}, {{ bedrock_costs.fingerprint(id_column) }}
    having count(*) > 1
)

select
    requests.{{ day_column }},
    requests.{{ id_column }},
    count(*) as row_count
from (select * from {{ model }}{% if shared_column %} where not {{ shared_column }}{% endif %}) as requests
inner join candidates
    on requests.{{ day_column }} = candidates.{{ day_column }}
    and {{ bedrock_costs.fingerprint('requests.' ~ id_column) }} = candidates.request_key
group by requests.{{ day_column }}, requests.{{ id_column }}
having count(*) > 1
{% endtest %}
