"""Import Great Expectations without the modules only its unused expectations need.

GX imports every expectation it ships when it is imported. One of them (KL divergence) and two
metrics (KS tests) import `scipy.stats` and `altair` at module level, for use inside functions
that Sitrep's suites never call: 1-1.5 s of CPU in each process that checks (GX's import took
1.95-2.49 s of CPU without them, 3.30-3.48 s with them), of the ~35-40 s of a run that adds 1 % to
a million-article warehouse. Those two modules are put in
`sys.modules` as stand-ins that import the real module on first attribute access, so a suite
that does use them still works, and pays for the import then.

`importlib.util.LazyLoader` cannot do this on Python 3.11: the import system reads `__spec__`
of a module it finds in `sys.modules`, and any attribute read of a lazy module loads it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

DEFERRED = ("scipy.stats", "altair")

_lock = threading.RLock()


class DeferredModule(types.ModuleType):
    """Stands in for a module in `sys.modules` until an attribute it lacks is read."""

    def __getattr__(self, attr: str) -> object:
        return getattr(self._load(), attr)

    def _load(self) -> types.ModuleType:
        with _lock:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            return importlib.import_module(self.__name__)


def defer(name: str) -> None:
    """Put a stand-in for `name` in `sys.modules`, unless it is imported or not installed."""
    with _lock:
        if name in sys.modules:
            return
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # its parent package is not installed
            return
        if spec is None:
            return
        module = DeferredModule(name)
        module.__spec__ = spec
        sys.modules[name] = module


def import_gx() -> types.ModuleType:
    """`great_expectations`, imported with `DEFERRED` deferred (the first call does the work)."""
    if "great_expectations" not in sys.modules:
        for name in DEFERRED:
            defer(name)
    import great_expectations

    return great_expectations
