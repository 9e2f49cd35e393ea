"""Two costs of a GX validation that Sitrep's checks do not need, taken out.

In a run that adds 1 % to a million-article warehouse, GX's validations are ~2 s of CPU, most of it
GX's own Python for each of the 176 expectations rather than work on the rows. Two parts of it:

* `Expectation.configuration` builds a new `ExpectationConfiguration` (a pydantic `dict()` of the
  expectation and a `camel_to_snake` of its class name) on every read, and a validation reads it
  dozens of times for each expectation while it plans and evaluates its metrics. Within
  `memoised_configurations()`, each expectation object's configuration is built once, in that
  thread. The expectations a validation reads are built from the suite for that validation and
  not changed while it runs; the memo is dropped when it ends.
* The pandas engine fingerprints every batch (an md5 over `hash_pandas_object` of every cell, the
  articles' texts included) for a batch marker that nothing in GX or Sitrep reads; GX itself skips
  it above `HASH_THRESHOLD` bytes. `install()` sets that threshold to 0.

Both rely on GX internals (GX 1.x): `install()` leaves GX as it is when they are not there.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

_memo = threading.local()  # .configurations: id(expectation) -> (expectation, configuration)
_installed: list[bool] = []


def install() -> None:
    """Memoise `Expectation.configuration` within `memoised_configurations()` and skip the batch
    fingerprints. Idempotent; call after GX is imported."""
    if _installed:
        return
    from great_expectations.execution_engine import pandas_execution_engine
    from great_expectations.expectations.expectation import Expectation

    if isinstance(getattr(pandas_execution_engine, "HASH_THRESHOLD", None), (int, float)):
        pandas_execution_engine.HASH_THRESHOLD = 0
    built = Expectation.__dict__.get("configuration")
    if isinstance(built, property) and built.fget is not None:
        Expectation.configuration = property(_memoised(built.fget), doc=built.__doc__)  # type: ignore[method-assign]
    _installed.append(True)


def _memoised(build: Any) -> Any:
    def configuration(self: Any) -> Any:
        configurations = getattr(_memo, "configurations", None)
        if configurations is None:
            return build(self)
        # the expectation is kept in the entry, so its id is not reused while the memo lives
        entry = configurations.get(id(self))
        if entry is None or entry[0] is not self:
            entry = configurations[id(self)] = (self, build(self))
        return entry[1]

    return configuration


@contextlib.contextmanager
def memoised_configurations() -> Iterator[None]:
    """Within this block, in this thread, each expectation's configuration is built once."""
    outer = getattr(_memo, "configurations", None)
    _memo.configurations = {} if outer is None else outer
    try:
        yield
    finally:
        _memo.configurations = outer
