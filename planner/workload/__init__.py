"""The inputs layer: the workload a user describes and the contracts it is checked against.

:mod:`model` (the :class:`Workload` fields, their validation and the workload file), :mod:`policy` (every
tunable of the sizing model), :mod:`vocabulary` (the words a person reads for each field), :mod:`share` (a
workload in a URL) and :mod:`scenarios` (named example workloads).

May import: :mod:`planner.base`, and :mod:`planner.clouds` to name a cloud's regions (a workload is checked
against the clouds it can run on).

``planner.workload.Workload`` (and the workload file readers) are the public names, re-exported here on first use.
"""

from __future__ import annotations

_PUBLIC = {"Workload", "WorkloadError", "load_workload", "workload_from_dict", "parse_workload_text"}


def __getattr__(name: str) -> object:
    # on first use, not at import: the model imports the clouds, which import the policy of this package
    if name in _PUBLIC:
        from planner.workload import model

        return getattr(model, name)
    raise AttributeError(f"module 'planner.workload' has no attribute '{name}'")
