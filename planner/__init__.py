"""planner: cost & capacity planning for backend systems on the cloud.

The library is the product; the CLI (``planner.cli``) and the Streamlit pages
(``app.py``, ``pages/``) only parse input, call it and render its results.
"""

# the one place the version is written: pyproject.toml reads it from here (setuptools' attr), so a start-up never
# parses installed packages' metadata to learn it (importlib.metadata costs tens of milliseconds)
__version__ = "0.1.0"

__all__ = ["__version__"]
