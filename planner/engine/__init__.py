"""The engine layer: the sizing and pricing chain, vectorised over scenarios.

:mod:`chain` (shared sizing, the options, the whole-bill choice, architecture variants), :mod:`options` (each
way to run the workload and the tiers it shares), :mod:`bom` (bills of materials as columns).

May import: :mod:`planner.sizing`, :mod:`planner.pricing`, :mod:`planner.clouds`, :mod:`planner.workload` and
:mod:`planner.base`; never a plan, a way of running it, an output or an interface.

``run``, ``workloads_frame``, ``EngineResult`` and ``OPTIONS`` are re-exported here on first use.
"""

from __future__ import annotations

_PUBLIC = {"run", "workloads_frame", "EngineResult", "OPTIONS"}


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        from planner.engine import chain

        return getattr(chain, name)
    raise AttributeError(f"module 'planner.engine' has no attribute '{name}'")
