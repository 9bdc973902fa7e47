"""The sizing layer: pure rules, vectorised over scenarios (numpy arrays, one element per workload), each citing
its formula's source: compute and queueing, availability, cache, database, DR tier, CDN, serverless cold starts,
workers, key-value tables, object storage. :mod:`rationale` writes each decision's one-line reason.

May import: :mod:`planner.pricing` (the book's queries), :mod:`planner.clouds`, :mod:`planner.workload` and
:mod:`planner.base`; never the engine that runs the rules.
"""
