{#
  Incremental marts: each run rewrites only the rows of what changed in it.

  * Models keyed by document (fct_incidents, fct_casualties, fct_territory_changes, doc_summary
    and the intermediate tables): the documents the extractor (re)processed in this run, i.e.
    whose `processed_at` is not older than this run's ingest (the latest
    `raw.ingest_runs.ingested_at`). Every extract row carries its document's `processed_at` and
    rows are appended, so `processed_at >= <run start>` reads only the row groups the run wrote
    (DuckDB's zone maps); a `doc_id in (...)` filter reads every row group. The models select
    the run's rows that way and append them (a delete+insert would scan the table a second time
    for nothing); the column goes through to the marts.
    The pre-hook deletes the mart's rows of the run (there are some when a failed build is
    retried) the same way. When extract rows of earlier documents were withdrawn in this run
    (`extract.withdrawals`: documents extracted again or removed, extract tables rebuilt), it
    deletes the rows of every document not processed before this run instead, a scan of the mart.
  * quarantine (a projection of raw.quarantine): the keys whose rows differ from the staging
    model in either direction are deleted, then the keys missing from the mart inserted.
  * Full rebuild whenever the mart's fingerprint differs from the one stored as the table's
    comment: an md5 over the checksums of every model, seed and contract (columns, types and
    constraints) of the project and the extractor versions in extract.processed. The pre-hook
    then recreates the table empty with the contract's columns and constraints and the model
    selects everything. A change of EXTRACTOR_VERSION, of
    any model's SQL or of a contract therefore rebuilds the marts, with the new columns.
  Without the pipeline's bookkeeping tables (extract.processed, extract.withdrawals,
  raw.ingest_runs), e.g. when dbt runs on a hand-made fixture, every build is a full rebuild.
#}

{#- Whether `database` has the pipeline's bookkeeping tables (not a hand-made fixture). -#}
{% macro _pipeline_tracked(database) -%}
    {{ return(
        adapter.get_relation(database=database, schema='extract', identifier='processed') is not none
        and adapter.get_relation(database=database, schema='extract', identifier='withdrawals') is not none
        and adapter.get_relation(database=database, schema='raw', identifier='ingest_runs') is not none
    ) }}
{%- endmacro %}


{% macro _mart_tracked() -%}
    {{ return(_pipeline_tracked(this.database)) }}
{%- endmacro %}


{#- This dbt invocation's memo, for what does not change during a build (nothing dbt builds writes
    it) but every model and test asks for. `graph` is the one object the contexts of all nodes share. -#}
{% macro _memo() -%}
    {{ return(graph.setdefault('sitrep_memo_' ~ invocation_id, {})) }}
{%- endmacro %}


{#- The first cell of `sql`, queried once per dbt invocation. -#}
{% macro _once(sql) -%}
    {%- set memo = _memo() -%}
    {%- if sql not in memo -%}
        {%- do memo.update({sql: run_query(sql).columns[0].values()[0]}) -%}
    {%- endif -%}
    {{ return(memo[sql]) }}
{%- endmacro %}


{% macro mart_fingerprint() -%}
    {%- set memo = _memo() -%}
    {%- if 'fingerprint' not in memo -%}
        {%- do memo.update({'fingerprint': _mart_fingerprint()}) -%}
    {%- endif -%}
    {{ return(memo['fingerprint']) }}
{%- endmacro %}


{% macro _mart_fingerprint() -%}
    {%- set parts = [] -%}
    {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
        {%- if node.resource_type in ('model', 'seed') -%}
            {%- set contract = [] -%}
            {%- for name, column in node.columns.items() -%}
                {%- do contract.append(name ~ ' ' ~ column.data_type ~ ' ' ~ (column.constraints | string)) -%}
            {%- endfor -%}
            {%- do parts.append(node.unique_id ~ '=' ~ node.checksum.checksum ~ '(' ~ contract | join(',') ~ ')') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set versions = _once(
        "select coalesce(string_agg(distinct extractor_version, ',' order by extractor_version), '') "
        ~ "from extract.processed") -%}
    {%- do parts.append('extractor=' ~ versions) -%}
    {{ return(local_md5(parts | join(';'))) }}
{%- endmacro %}


{#- True when this build may be incremental: the mart exists, the pipeline's bookkeeping tables
    exist and the fingerprint stored with the mart is the current one. Compile time and pre-hook
    see the same state, so the model's SQL and its pre-hook always agree. -#}
{% macro mart_is_current() -%}
    {%- if not execute or not is_incremental() or not _mart_tracked() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set stored = run_query(
        "select comment from duckdb_tables() where database_name = '" ~ this.database
        ~ "' and schema_name = '" ~ this.schema ~ "' and table_name = '" ~ this.identifier ~ "'") -%}
    {{ return(stored.rows | length == 1 and stored.columns[0].values()[0] == mart_fingerprint()) }}
{%- endmacro %}


{#- SQL for this run's start: the latest ingest (-infinity before the first). A literal, not a
    subquery, so that DuckDB can compare it with each row group's min/max of processed_at. -#}
{% macro this_run_start() -%}
    {%- set start = _once(
        "select coalesce(max(ingested_at), '-infinity'::timestamp)::varchar from raw.ingest_runs") -%}
    {{ return("timestamp '" ~ start ~ "'") }}
{%- endmacro %}


{#- The documents the extractor processed in this run (since its ingest), or `before` it. -#}
{% macro docs_processed_this_run(before=false) -%}
    select doc_id from extract.processed where processed_at {{ '<' if before else '>=' }} {{ this_run_start() }}
{%- endmacro %}


{#- `where processed_at >= <run start>` (or `and ...`) limiting a document-keyed model to the
    rows of the documents processed in this run when it builds incrementally; nothing on a full
    build. -#}
{% macro only_this_run(keyword='where') -%}
    {%- if mart_is_current() %} {{ keyword }} processed_at >= {{ this_run_start() }}{% endif -%}
{%- endmacro %}


{#- For singular tests: `<column> >= <run start>` (a processed_at column), or `true` without the
    pipeline's bookkeeping tables (a hand-made fixture), like the generic tests (get_where_subquery). -#}
{% macro in_this_run(column) -%}
    {%- if execute and _pipeline_tracked(target.database) -%}{{ column }} >= {{ this_run_start() }}{%- else -%}true{%- endif -%}
{%- endmacro %}


{#- The mart recreated empty, with the columns and constraints of its contract (dbt's own DDL for
    contracted tables, so NOT NULL and CHECK hold as they do after a first build). -#}
{% macro _recreate_empty_mart() -%}
    create or replace table {{ this }} {{ get_table_columns_and_constraints() }}
{%- endmacro %}


{#- Whether extract rows of earlier documents were deleted since this run's ingest. -#}
{% macro _withdrawn_this_run() -%}
    {%- set n = _once("select count(*) from extract.withdrawals where withdrawn_at >= " ~ this_run_start()) -%}
    {{ return(n > 0) }}
{%- endmacro %}


{#- pre-hook of the document-keyed fact marts -#}
{% macro delete_reprocessed_docs() -%}
    {%- set current = mart_is_current() -%}
    {%- if current and _withdrawn_this_run() -%}
        delete from {{ this }} where doc_id not in ({{ docs_processed_this_run(before=true) }})
    {%- elif current -%}
        delete from {{ this }} where processed_at >= {{ this_run_start() }}
    {%- elif execute and is_incremental() -%}
        {{ _recreate_empty_mart() }}
    {%- endif -%}
{%- endmacro %}


{#- pre-hook of the marts that project a staging model: delete the keys whose rows differ -#}
{% macro delete_changed_keys(key, relation) -%}
    {%- if mart_is_current() -%}
        {%- set columns = model.columns.keys() | join(', ') -%}
        delete from {{ this }} where {{ key }} in (
            select {{ key }} from (
                (select {{ columns }} from {{ this }} except select {{ columns }} from {{ relation }})
                union all
                (select {{ columns }} from {{ relation }} except select {{ columns }} from {{ this }})
            )
        )
    {%- elif execute and is_incremental() -%}
        {{ _recreate_empty_mart() }}
    {%- endif -%}
{%- endmacro %}


{#- post-hook: store the fingerprint the mart was built with -#}
{% macro store_mart_fingerprint() -%}
    {%- if execute and _mart_tracked() -%}
        comment on table {{ this }} is '{{ mart_fingerprint() }}'
    {%- endif -%}
{%- endmacro %}


{#- dbt's hook for the `where` of data tests, overridden: a test of a model whose config has
    `meta: {run_scoped_tests: true}` (dbt_project.yml: staging, intermediate and the document-keyed
    marts) looks only at the documents processed in this run: by `processed_at` when the model
    documents that column, else by doc_id. Whole-table tests would cost what
    the warehouse costs on every run; the rows of the other documents cannot change in it and
    were tested when their documents were processed (a full rebuild processes every document).
    Without the pipeline's bookkeeping tables (a hand-made fixture) tests see every row. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set attached = graph.nodes.get(model.attached_node) if execute and model.attached_node else none -%}
    {%- set scoped = attached is not none
        and attached.config.meta.get('run_scoped_tests', false)
        and _pipeline_tracked(relation.database) -%}
    {%- set conditions = [] -%}
    {%- if where -%}{%- do conditions.append('(' ~ where ~ ')') -%}{%- endif -%}
    {%- if scoped and 'processed_at' in attached.columns -%}
        {%- do conditions.append('processed_at >= ' ~ this_run_start()) -%}
    {%- elif scoped -%}
        {%- do conditions.append('doc_id in (' ~ docs_processed_this_run() ~ ')') -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}


{#- Whether a test of `relation` looks only at this run's rows by processed_at (see get_where_subquery). -#}
{% macro _run_scoped_by_processed_at(relation) -%}
    {%- set found = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.schema == relation.schema
            and (node.alias or node.name) == relation.identifier
            and node.config.meta.get('run_scoped_tests', false) and 'processed_at' in node.columns -%}
            {%- do found.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found | length > 0 and _pipeline_tracked(relation.database)) }}
{%- endmacro %}


{#- dbt's `relationships` test, overridden: when the tested model's rows and the parent's are both
    looked at by processed_at, the parent's are narrowed to this run's too. The links tested that
    way (a figure's incident, its total, a summary's principal incident) stay within a document,
    whose rows share one processed_at; the whole parent table is not read for each test. -#}
{% macro default__test_relationships(model, column_name, to, field) %}
    {#- `model` is here what get_where_subquery made of the tested model -#}
    {%- set narrowed = execute and 'processed_at >=' in (model | string) and _run_scoped_by_processed_at(to) -%}
with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),

parent as (
    select {{ field }} as to_field
    from {{ to }}
    {%- if narrowed %}
    where processed_at >= {{ this_run_start() }}
    {%- endif %}
)

select
    from_field
from child
left join parent
    on child.from_field = parent.to_field
where parent.to_field is null
{% endmacro %}
