"""Bundled price tables (data only); read through ``importlib.resources``.

See ``MANIFEST.csv`` for each table's kind, sources, dates and checksum, and
``scripts/build_pricing_data.py`` for how they are made.
"""
