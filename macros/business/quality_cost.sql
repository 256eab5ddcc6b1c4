{#-
    A quality cost of fct_net_gain_waterfall (docs/metrics.md, Net gain waterfall, step 2):
    `signed` (a column holding the signed cost, extra deployments x effort x loaded rate) or
    its bound `signed ~ suffix` ('_lower_90', '_upper_90'), floored at 0 unless
    var('credit_quality_improvement') (an improvement is not credited by default). A cost that
    cannot be computed (the signed estimate is null: no Day-Zero rate, no effort) counts 0, and
    so do its bounds; a known cost whose bound is unknown (no variance) has a null bound.
-#}
{% macro quality_cost(signed, suffix) -%}
    (case
        when {{ signed }} is null then 0
        {%- if var('credit_quality_improvement') %}
        else {{ signed }}{{ suffix }}
        {%- else %}
        when {{ signed }}{{ suffix }} > 0 then {{ signed }}{{ suffix }}
        when {{ signed }}{{ suffix }} is not null then 0
        {%- endif %}
    end)
{%- endmacro %}
