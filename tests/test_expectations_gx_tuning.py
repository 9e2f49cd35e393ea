"""GX validates with each expectation's configuration built once, without batch fingerprints, and
gives the results it gives without either (`expectations.gx_tuning`)."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from test_expectations import BAD, good, with_value

from expectations import gx_tuning, runner, validate

# one spoiled frame per suite: the first spoilt value BAD lists for it
SPOILED = {suite: (column, value) for suite, column, value, _ in reversed(BAD)}


def _run(suite: str, frame: Any) -> Any:
    """GX's own result of validating `frame` with the suite's registered validation."""
    validation = runner._validation_definition(suite)
    return validation.run(
        batch_parameters={"dataframe": runner._to_pandas(frame)}, result_format=runner.RESULT_FORMAT
    )


def _results(suite: str, frame: Any) -> list[dict]:
    return [r.to_json_dict() for r in _run(suite, frame).results]


@pytest.mark.parametrize("suite", sorted(SPOILED))
def test_results_are_the_same_with_the_configurations_memoised(suite: str):
    column, value = SPOILED[suite]
    for frame in (good(suite), with_value(suite, column, value)):
        plain = _results(suite, frame)
        with gx_tuning.memoised_configurations():
            memoised = _results(suite, frame)
        assert memoised == plain
    assert any(not r["success"] for r in memoised), "the spoiled frame must fail an expectation"


def test_a_validation_builds_each_configuration_once(monkeypatch: pytest.MonkeyPatch):
    import great_expectations.expectations.expectation as gx_expectation

    runner._context()
    built = []
    camel_to_snake = gx_expectation.camel_to_snake  # read once per configuration built
    monkeypatch.setattr(
        gx_expectation, "camel_to_snake", lambda name: built.append(name) or camel_to_snake(name)
    )

    memoised = validate("extract_events", good("extract_events"))
    n_memoised = len(built)
    built.clear()
    monkeypatch.setattr(runner.gx_tuning, "memoised_configurations", contextlib.nullcontext)
    plain = validate("extract_events", good("extract_events"))

    assert memoised == plain
    # 234 against 1 856 for the 20 expectations of this suite when measured
    assert 0 < n_memoised * 4 < len(built)


def test_the_memo_lives_only_inside_its_block_and_its_thread():
    import threading

    runner._context()
    from great_expectations.expectations import ExpectColumnValuesToNotBeNull

    expectation = ExpectColumnValuesToNotBeNull(column="doc_id")
    assert expectation.configuration is not expectation.configuration
    with gx_tuning.memoised_configurations():
        first = expectation.configuration
        assert expectation.configuration is first
        elsewhere: list[Any] = []
        thread = threading.Thread(target=lambda: elsewhere.append(expectation.configuration))
        thread.start()
        thread.join()
        assert elsewhere[0] is not first
    assert expectation.configuration is not first
    assert expectation.configuration.to_json_dict() == first.to_json_dict()


def test_batches_are_not_fingerprinted():
    markers = _run("extract_events", good("extract_events")).meta["batch_markers"]
    assert "ge_load_time" in markers
    assert "pandas_data_fingerprint" not in markers
