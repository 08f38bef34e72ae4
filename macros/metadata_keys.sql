{#- Which requestMetadata keys feed each attribution field, tried in order (the first non-empty
    value wins). Set the var bedrock_costs_metadata_keys to a dict of field -> list of keys; the
    fields it leaves out keep these defaults, and a field mapped to [] is never read from metadata.

      end_user     user, userId        the person or client behind a gateway role
      app          app, applicationId  the application (a mapped profile's app tag wins)
      team         team                the owning team (a mapped profile's team tag wins)
      cost_center  costCenter          (a mapped profile's cost_center tag wins)
      environment  environment         (a mapped profile's environment tag wins)
      tenant       tenant              the customer or tenant the call was made for -#}
{% macro metadata_keys() %}
    {%- set keys = {
        'end_user': ['user', 'userId'],
        'app': ['app', 'applicationId'],
        'team': ['team'],
        'cost_center': ['costCenter'],
        'environment': ['environment'],
        'tenant': ['tenant'],
    } -%}
    {%- set configured = var('bedrock_costs_metadata_keys') or {} -%}
    {%- if configured is not mapping -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_metadata_keys must map fields to lists of keys, got ' ~ configured) }}
    {%- endif -%}
    {%- for field, field_keys in configured.items() -%}
        {%- if field not in keys -%}
            {{ exceptions.raise_compiler_error('bedrock_costs_metadata_keys: unknown field ' ~ field ~ ' (expected one of ' ~ keys.keys() | join(', ') ~ ')') }}
        {%- endif -%}
        {%- do keys.update({field: [field_keys] if field_keys is string else (field_keys or [])}) -%}
    {%- endfor -%}
    {{ return(keys) }}
{% endmacro %}
