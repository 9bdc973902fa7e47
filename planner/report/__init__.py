"""The outputs layer: renderers of a :class:`~planner.plan.model.Plan` (JSON contract, Markdown report, Mermaid
diagram, tables and figures for the dashboard) and a batch's result files (:mod:`batch_files`).

May import: every layer below the interfaces (:mod:`planner.running` and down); :mod:`planner.store` keeps
what these write.
"""
