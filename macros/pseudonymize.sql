{#-
    Pseudonymise a person identifier: sha256(salt || lower(login)) as hex.
    The salt is var('id_salt') (env AI_ROI_ID_SALT). Staging applies it to every
    person identifier; intermediate models apply it to seed logins (bot accounts) so
    they can be matched without ever exposing a login downstream.
-#}
{% macro pseudonymize(column) -%}
    {{ return(adapter.dispatch('pseudonymize', 'ai_roi')(column)) }}
{%- endmacro %}

{% macro default__pseudonymize(column) -%}
    case when {{ column }} is null then null
    else sha2(concat('{{ var("id_salt") }}', lower(trim({{ column }}))), 256) end
{%- endmacro %}

{% macro duckdb__pseudonymize(column) -%}
    case when {{ column }} is null then null
    else sha256(concat('{{ var("id_salt") }}', lower(trim({{ column }})))) end
{%- endmacro %}
