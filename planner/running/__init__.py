"""Ways of running the engine: many scenarios, many variants of one, on a cluster, under uncertainty.

:mod:`batch` and :mod:`batch_input` (a what-if CSV or Parquet file, :mod:`scenario_parquet`), :mod:`batch_dask`
(the same on a Dask cluster), :mod:`sweep` (the cartesian product of axes), :mod:`explore` (what-if curves of
one workload), :mod:`multicloud` (one workload on every cloud), :mod:`diff` (two plans side by side),
:mod:`commitment` (how much to commit), :mod:`monotonicity` (inversions of a sweep), :mod:`calibration`
(reference workloads against hand derivations), :mod:`uncertainty` (P10/P50/P90 from ranges) and :mod:`fit`
(a workload fitted from a running system's monitoring exports), :mod:`book_build` (price books packed with
the tables the default policy derives, by the wheel build and ``planner prices update``).

May import: :mod:`planner.plan`, :mod:`planner.engine` and the layers below.
"""
