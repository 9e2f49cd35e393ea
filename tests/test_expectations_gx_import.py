"""GX is imported without scipy.stats and altair, and an expectation that needs them still works.

Each case runs in a fresh interpreter: the test process has imported GX (and maybe scipy) already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str, tmp_path: Path) -> dict:
    script = tmp_path / "probe.py"
    script.write_text(code)
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_suite_and_data_docs_run_without_loading_the_deferred_modules(tmp_path: Path):
    report = _run(
        f"""
import json, sys
from expectations import SUITES, build_data_docs, validate
from expectations.gx_import import DEFERRED, DeferredModule
from test_expectations import good

outcomes = {{suite: validate(suite, good(suite)).success for suite in SUITES}}
build_data_docs({str(tmp_path / "docs")!r})
print(json.dumps({{
    "outcomes": outcomes,
    "gx": "great_expectations" in sys.modules,
    "deferred": {{name: isinstance(sys.modules.get(name), DeferredModule) for name in DEFERRED}},
}}))
""",
        tmp_path,
    )
    assert report["gx"]
    assert report["outcomes"] and all(report["outcomes"].values()), report["outcomes"]
    assert report["deferred"] == {"scipy.stats": True, "altair": True}


def test_an_expectation_that_needs_scipy_loads_it_and_works(tmp_path: Path):
    report = _run(
        """
import json, sys, types
import pandas as pd
from expectations.gx_import import DeferredModule, import_gx

gx = import_gx()
stand_in = sys.modules["scipy.stats"]
context = gx.get_context(mode="ephemeral")
batch = (
    context.data_sources.add_pandas("p")
    .add_dataframe_asset("a")
    .add_batch_definition_whole_dataframe("b")
    .get_batch(batch_parameters={"dataframe": pd.DataFrame({"x": [1, 1, 2, 2]})})
)
partition = {"values": [1, 2], "weights": [0.5, 0.5]}
kl = lambda threshold: gx.expectations.ExpectColumnKLDivergenceToBeLessThan(
    column="x", partition_object=partition, threshold=threshold
)
result = batch.validate(kl(0.1))
print(json.dumps({
    "was_deferred": isinstance(stand_in, DeferredModule),
    "close": result.success,
    "observed": result.result["observed_value"],
    "loaded": type(sys.modules["scipy.stats"]) is types.ModuleType,
}))
""",
        tmp_path,
    )
    assert report["was_deferred"]
    assert report["close"] is True
    assert report["observed"] == 0.0
    assert report["loaded"]


def test_a_module_already_imported_is_left_alone(tmp_path: Path):
    report = _run(
        """
import json, sys
import scipy.stats
real = sys.modules["scipy.stats"]
from expectations.gx_import import defer, import_gx
import_gx()
defer("no_such_module_here")
defer("no_such_package_here.sub")
absent = not {"no_such_module_here", "no_such_package_here.sub"} & set(sys.modules)
print(json.dumps({"same": sys.modules["scipy.stats"] is real, "absent": absent}))
""",
        tmp_path,
    )
    assert report == {"same": True, "absent": True}
