"""planner: cost & capacity planning for backend systems on the cloud.

The library is the product; the CLI (``planner.cli``) and the Streamlit pages
(``app.py``, ``pages/``) only parse input, call it and render its results.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("planner")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
