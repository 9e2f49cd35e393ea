{#- on-run-start: drop the tables this project built that no model builds any more (a model removed
    or renamed by an upgrade), so that analysts do not query rows no run updates. A table is the
    project's if its comment is a fingerprint (store_mart_fingerprint); the sources, seeds and a
    user's own tables have none and are left alone. -#}
{% macro drop_retired_models() -%}
    {%- if execute -%}
        {%- set current = [] -%}
        {%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
            {%- do current.append(node.schema ~ '.' ~ node.alias) -%}
        {%- endfor -%}
        {%- set tables = run_query(
            "select schema_name, table_name from duckdb_tables() where database_name = '" ~ target.database
            ~ "' and not temporary and regexp_full_match(coalesce(comment, ''), '[0-9a-f]{32}')") -%}
        {%- for row in tables.rows if (row[0] ~ '.' ~ row[1]) not in current -%}
            {%- do log('Dropping ' ~ row[0] ~ '.' ~ row[1] ~ ': no model builds it any more', info=True) %}
            drop table if exists {{ adapter.quote(row[0]) }}.{{ adapter.quote(row[1]) }};
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
