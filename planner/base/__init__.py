"""The base layer: what every other part of planner uses and which knows nothing of clouds or workloads.

One error hierarchy (:mod:`errors`), one spelling of numbers (:mod:`numbers`), files read within a byte limit
(:mod:`input_files`, :mod:`uploads`, :mod:`batch_limits`) and written atomically (:mod:`atomic`), safe YAML
(:mod:`yaml_input`), percent for sentences (:mod:`formats`), and text columns worked through their distinct
values (:mod:`codes`).

May import: the standard library and third-party packages only, and modules of this folder.
"""
