"""Security basics: local-only UI, no SQL pasted from data, ingest stays in its folder, nothing executed.

* The UI (`sitrep ui`, `make ui`) binds 127.0.0.1.
* No SQL string is built from values: a static scan of the product code finds every SQL call
  whose text is formatted (f-string, `%`, `+`, `.format`, `.join`) and allows only identifiers
  quoted by `orchestration.tables._ident` / `_qualified` (plus one reviewed exception); and
  hostile names and texts go through ingest and the table writers verbatim.
* Ingest never leaves the source root: symlinks out are quarantined (`test_ingest.py::test_symlinks`
  for files and folders, `test_bad_inputs_end_to_end.py` through a whole run, loops below).
* Any single input is bounded: `too_large` (`test_ingest.py::test_too_large_is_not_read`, and a
  real 65 MB file in `test_bad_inputs_end_to_end.py`).
* Nothing from a document is executed: no eval/exec/pickle/yaml.load/shell in product code.
"""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import duckdb
import pytest
from conftest import REPO_ROOT, run_cli

import ingest
from orchestration import cli, tables

PRODUCT_DIRS = ("orchestration", "ingest", "extract", "expectations")
ARTICLE = (
    "Air strikes kill 12 civilians in Idlib\n\n"
    "BEIRUT - Air strikes killed at least 12 civilians, including three children, in the town of Maaret "
    "Hourmeh in southern Idlib province on Tuesday, a war monitor said. The Syrian Observatory for Human "
    "Rights said the strikes were carried out by Russian warplanes."
)


def _product_files() -> list[Path]:
    files = [p for d in PRODUCT_DIRS for p in sorted((REPO_ROOT / d).rglob("*.py"))]
    assert len(files) > 10
    return files


# -- the UI binds localhost ------------------------------------------------------------------------


def test_sitrep_ui_binds_localhost(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(cli, "REPO_ROOT", tmp_path)  # its DAGSTER_HOME goes here, not in the repo
    monkeypatch.setattr(cli.subprocess, "call", lambda cmd, **kwargs: calls.append(cmd) or 0)
    assert run_cli(["ui", "--port", "3999"])[0] == 0
    (cmd,) = calls
    assert Path(cmd[0]).name == "dagster" and cmd[1] == "dev"
    assert cmd[cmd.index("-h") + 1] == "127.0.0.1"
    assert cmd[cmd.index("-p") + 1] == "3999"
    assert not any(a in ("0.0.0.0", "::", "--host=0.0.0.0") for a in cmd)


def test_ui_has_no_option_to_listen_elsewhere() -> None:
    ui = cli.build_parser()._subparsers._group_actions[0].choices["ui"]  # type: ignore[union-attr]
    options = {s for action in ui._actions for s in action.option_strings}
    assert options == {"-h", "--help", "--port"}  # -h is help here: no host option to widen it


def test_make_ui_goes_through_sitrep_ui() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    recipe = re.search(r"^ui:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe is not None
    assert "sitrep ui" in recipe.group(1) and "-h" not in recipe.group(1) and "host" not in recipe.group(1)
    for path in [*_product_files(), REPO_ROOT / "Makefile", REPO_ROOT / "workspace.yaml"]:
        assert "0.0.0.0" not in path.read_text(), path


# -- SQL is never pasted together from values ------------------------------------------------------

# Methods that take SQL text, and the index of the SQL argument.
SQL_CALLS = {
    "execute": 0,
    "executemany": 0,
    "sql": 0,
    "query": 0,
    "from_query": 0,
    "_scalars": 1,
    "_count": 1,
    "_fetch_sums": 1,
}
QUOTING = {"_ident", "_qualified"}  # orchestration.tables: quote any string as an identifier
# Reviewed exceptions: (file, function, interpolated expression) -> why it is safe.
_SCOPE_QUERY = "a check's scope query, built by tables.run_scope from quoted identifiers; its values are Scope.params"
REVIEWED = {
    ("orchestration/tables.py", "_ensure_table", "dtype"): (
        "a DuckDB type name looked up in the fixed tables._DUCKDB_TYPES mapping (KeyError otherwise)"
    ),
    ("orchestration/tables.py", "count", "self.sql"): _SCOPE_QUERY,
    ("orchestration/tables.py", "frames", "self.sql"): _SCOPE_QUERY,
    ("expectations/sql.py", "validate_sql", "relation"): _SCOPE_QUERY + " (bound with the aggregates' ones)",
    ("orchestration/spare.py", "sync", "_CATALOG"): "a module constant built from literals only",
    **{
        ("orchestration/tables.py", "pending_batches", constant): "a module constant built from literals only"
        for constant in ("_PENDING", "_PENDING_SINCE", "_PENDING_IN_SHARDS")
    },
    **{
        ("orchestration/spare.py", function, constant): "a module constant built from literals only"
        for function, constant in (
            ("_changed_by_stamps", "_SPARE_LATEST"),
            ("_changed_by_stamps", "_STAMPED_LATER"),
            ("_changed_by_stamps", "_BUILD_SUMS"),
            ("_changed_by_stamps", "_SPARE_SUMS"),
            ("_changed_by_stamps", "_SPARE_CHANGED_SUMS"),
            ("_changed_by_stamps", "_SPARE_HAS_CHANGED"),
            ("remember_copies", "_BUILD_TOTALS"),
            ("_changed_by_rows", "_CHANGED_DOCUMENTS"),
            ("_changed_by_rows", "_CHANGED_DOCUMENTS_IN_PASS"),
        )
    },
    ("expectations/sql.py", "validate_sql", "aggregates"): (
        "count_if expressions compiled by _unexpected from quoted column names; the expectations' "
        "values (sets, bounds, regexes) are bound as ? parameters"
    ),
}


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    a = fn.args
    return {p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]}


def _assignments(fn: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> list[ast.expr]:
    found = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
            targets = [node.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            found.append(node.value)
    return found


def _unsafe_parts(expr: ast.expr, fn: ast.FunctionDef | ast.AsyncFunctionDef, seen: frozenset[str]) -> list[str]:
    """Pieces of a SQL text expression that are neither literal nor a quoted identifier."""
    if isinstance(expr, ast.Constant):
        return []
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in QUOTING:
        return []
    if isinstance(expr, ast.JoinedStr):
        return [p for v in expr.values if isinstance(v, ast.FormattedValue) for p in _unsafe_parts(v.value, fn, seen)]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add | ast.Mod):
        return _unsafe_parts(expr.left, fn, seen) + _unsafe_parts(expr.right, fn, seen)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "join":
        (arg,) = expr.args
        elements = arg.elt if isinstance(arg, ast.GeneratorExp | ast.ListComp) else arg
        return _unsafe_parts(expr.func.value, fn, seen) + _unsafe_parts(elements, fn, seen)
    if isinstance(expr, ast.Name) and expr.id not in seen:
        values = _assignments(fn, expr.id)
        if values:
            return [p for v in values for p in _unsafe_parts(v, fn, seen | {expr.id})]
    return [ast.unparse(expr)]


def _sql_findings() -> list[str]:
    findings = []
    for path in _product_files():
        rel = path.relative_to(REPO_ROOT).as_posix()
        tree = ast.parse(path.read_text(), filename=rel)
        for fn in _functions(tree):
            for call in ast.walk(fn):
                if not isinstance(call, ast.Call):
                    continue
                func = call.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if name not in SQL_CALLS or len(call.args) <= SQL_CALLS[name]:
                    continue
                sql = call.args[SQL_CALLS[name]]
                if isinstance(sql, ast.Name) and sql.id in _params(fn) and not _assignments(fn, sql.id):
                    continue  # a helper passing its caller's SQL on: the callers are scanned
                for part in _unsafe_parts(sql, fn, frozenset()):
                    if (rel, fn.name, part) not in REVIEWED:
                        findings.append(f"{rel}:{call.lineno} {fn.name}(): `{part}` pasted into SQL")
    return findings


def test_no_sql_is_built_from_values() -> None:
    findings = _sql_findings()
    assert findings == [], "use ? parameters, or quote identifiers with tables._ident:\n" + "\n".join(findings)


def test_the_sql_scan_catches_pasted_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scanner itself: it flags values pasted in, and passes quoted identifiers and parameters."""
    bad = tmp_path / "orchestration" / "bad.py"
    bad.parent.mkdir()
    bad.write_text(
        "def f(con, doc_id, table, cols):\n"
        "    con.execute(f\"SELECT * FROM raw.documents WHERE doc_id = '{doc_id}'\")\n"
        "    con.sql('SELECT * FROM ' + table)\n"
        "    con.execute('DELETE FROM t WHERE id = %s' % doc_id)\n"
        "    q = 'SELECT {} FROM t'.format(doc_id)\n"
        "    con.execute(q)\n"
        "    listed = ', '.join(c for c in cols)\n"
        "    _scalars(con, f'SELECT {listed} FROM t')\n"
        "    con.execute(f'SELECT * FROM {_qualified(\"raw\", table)} WHERE doc_id = ?', [doc_id])\n"
        "    good = ', '.join(f'd.{_ident(c)}' for c in cols)\n"
        "    con.sql(f'SELECT {good} FROM t')\n"
    )
    monkeypatch.setattr("test_security.REPO_ROOT", tmp_path)
    monkeypatch.setattr("test_security._product_files", lambda: [bad])
    assert [f.split(" ", 1)[1] for f in _sql_findings()] == [
        "f(): `doc_id` pasted into SQL",
        "f(): `table` pasted into SQL",
        "f(): `doc_id` pasted into SQL",
        "f(): `'SELECT {} FROM t'.format(doc_id)` pasted into SQL",
        "f(): `c` pasted into SQL",
    ]


def test_hostile_names_and_texts_are_stored_verbatim(tmp_path: Path) -> None:
    """A file named like SQL, with SQL in its text, goes through ingest and the writers as data."""
    evil = "x'); DROP TABLE raw.documents; --"
    source = tmp_path / "in"
    source.mkdir()
    (source / f"{evil}.txt").write_text(f"{ARTICLE}\n\n{evil} \"quoted\" ; DELETE FROM raw.quarantine;")
    (source / "zz.jsonl").write_text(json.dumps({"id": "a\"b'c; DROP TABLE raw.ingest_runs", "text": ARTICLE}))
    result = ingest.read_source(source)
    con = duckdb.connect()
    try:
        tables.ensure_schema(con)
        tables.write_ingest(
            con, run_id=evil, source=str(source), fmt="auto", n_inputs=result.n_inputs,
            documents=result.documents, quarantine=result.quarantine, duplicates=result.duplicates,
        )
        ids = sorted(r[0] for r in con.execute("SELECT doc_id FROM raw.documents").fetchall())
        assert ids == sorted([f"{evil}.txt", "a\"b'c; DROP TABLE raw.ingest_runs"])
        assert con.execute("SELECT run_id FROM raw.ingest_runs").fetchall() == [(evil,)]
        text = con.execute("SELECT text FROM raw.documents WHERE doc_id = ?", [f"{evil}.txt"]).fetchone()
        assert text is not None and "DELETE FROM raw.quarantine;" in text[0]

        # identifiers are quoted, so even a hostile table name is just a name
        hostile = 'evil"; DROP TABLE raw.documents; --'
        assert tables._ensure_table(con, "raw", hostile, {"i": tables.pl.Int64})
        assert tables.table_exists(con, "raw", hostile) and tables.count_rows(con, "raw", hostile) == 0
        assert tables.count_rows(con, "raw", "documents") == 2
    finally:
        con.close()


# -- ingest stays inside its source ----------------------------------------------------------------


def test_symlink_loops_and_links_out_never_leave_the_source(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(ARTICLE)
    (tmp_path / "secret.txt").write_text(ARTICLE + " SECRET")
    os.symlink(root, root / "sub" / "loop")  # a cycle back to the root
    os.symlink(root / "sub", root / "sub" / "self")  # a cycle onto itself
    os.symlink("..", root / "up")  # relative link to the parent
    os.symlink("../../secret.txt", root / "sub" / "leak.txt")  # relative link out, from a subfolder
    result = ingest.read_source(root)
    assert result.documents["doc_id"].to_list() == ["a.txt"]
    reasons = dict(zip(result.quarantine["source_ref"], result.quarantine["reason"], strict=True))
    assert reasons == {"up": "outside_source", "sub/leak.txt": "outside_source"}
    assert not result.documents["text"].str.contains("SECRET").any()


# -- nothing from a document is executed -----------------------------------------------------------

# (module or None for a builtin, function) that run or deserialize code.
EXECUTING = {
    (None, "eval"), (None, "exec"), (None, "compile"), (None, "__import__"),
    ("pickle", "load"), ("pickle", "loads"), ("cPickle", "loads"), ("dill", "loads"), ("dill", "load"),
    ("marshal", "loads"), ("marshal", "load"), ("shelve", "open"), ("joblib", "load"),
    ("yaml", "load"), ("yaml", "unsafe_load"), ("yaml", "full_load"), ("os", "system"), ("os", "popen"),
    ("pd", "read_pickle"), ("pandas", "read_pickle"), ("torch", "load"),
}


def _executing_calls(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [(node.lineno, f"import {m}") for m in mods if m.split(".")[0] in ("pickle", "marshal", "dill", "shelve")]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and (None, func.id) in EXECUTING:
            found.append((node.lineno, func.id))
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and (func.value.id, func.attr) in EXECUTING
        ):
            found.append((node.lineno, f"{func.value.id}.{func.attr}"))
        for kw in node.keywords:  # subprocess(..., shell=True), np.load(..., allow_pickle=True)
            if kw.arg in ("shell", "allow_pickle") and not (isinstance(kw.value, ast.Constant) and not kw.value.value):
                found.append((node.lineno, f"{kw.arg}={ast.unparse(kw.value)}"))
    return found


def test_nothing_in_product_code_executes_or_unpickles_data() -> None:
    findings = [
        f"{path.relative_to(REPO_ROOT)}:{line} {what}"
        for path in _product_files()
        for line, what in _executing_calls(ast.parse(path.read_text()))
    ]
    assert findings == []


def test_the_execution_scan_catches_them() -> None:
    code = (
        "import pickle, yaml, subprocess, os\n"
        "eval(x); exec(y); pickle.loads(b); yaml.load(s); yaml.safe_load(s)\n"
        "subprocess.run(cmd, shell=True); subprocess.run(cmd); os.system(c); re.compile(p)\n"
    )
    assert [w for _, w in _executing_calls(ast.parse(code))] == [
        "import pickle", "eval", "exec", "pickle.loads", "yaml.load", "shell=True", "os.system"
    ]


def test_subprocesses_in_product_code_take_argument_lists() -> None:
    """Every subprocess call passes a list (no shell parses a string built from paths)."""
    for path in _product_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "subprocess"
                and node.args
            ):
                assert not isinstance(node.args[0], ast.Constant | ast.JoinedStr | ast.BinOp), (
                    f"{path}:{node.lineno}"
                )
