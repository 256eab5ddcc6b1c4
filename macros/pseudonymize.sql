{#-
    Pseudonymise a person identifier: HMAC-SHA256 (hex) of lower(trim(identifier)) with
    the project's secret key; null stays null. The key is never in SQL: on DuckDB the
    function `ai_roi_pseudonym` is registered on dbt's connection by the dbt-duckdb plugin
    `ingestion.dbt_plugins.pseudonym_plugin` (profiles.yml), which reads the key from env
    AI_ROI_PSEUDONYM_KEY or `.dlt/secrets.toml` (generating one there on the first run);
    Python code uses the same function, `ingestion.common.pseudonym.pseudonym`. See
    README: Privacy.

    Staging applies it to every person identifier; intermediate models apply it to seed
    logins (bot accounts, AI-agent rules) so they match without exposing a login
    downstream. Models calling it are tables, not views: a view would need the key-holding
    function on every connection that reads it.
-#}
{% macro pseudonymize(column) -%}
    {{ return(adapter.dispatch('pseudonymize', 'ai_roi')(column)) }}
{%- endmacro %}

{% macro default__pseudonymize(column) -%}
    {{ exceptions.raise_compiler_error(
        "pseudonymize(): no keyed pseudonym function for the '" ~ target.type ~ "' adapter. "
        ~ "Person identifiers must be HMAC-SHA256 with the project's secret key, which never "
        ~ "appears in SQL: register a function computing it on the warehouse's connections "
        ~ "(as ingestion/dbt_plugins/pseudonym_plugin.py does for DuckDB) and add "
        ~ target.type ~ "__pseudonymize(column) to macros/pseudonymize.sql calling it."
    ) }}
{%- endmacro %}

{% macro duckdb__pseudonymize(column) -%}
    ai_roi_pseudonym(cast({{ column }} as string))
{%- endmacro %}

{#- Spark: the session function registered by ingestion/spark/session.py (the same HMAC in
    Python; on Databricks a Unity Catalog function reading the key from a secret scope). -#}
{% macro spark__pseudonymize(column) -%}
    ai_roi_pseudonym(cast({{ column }} as string))
{%- endmacro %}
