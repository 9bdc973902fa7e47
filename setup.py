"""The wheel build packs each cloud's price book with the tables derived from it (planner.running.book_build):
an installed planner (and one run from the checkout it was built from) reads one file per cloud at start-up and
derives nothing on its first run.

Everything else is declared in pyproject.toml. The packing runs planner from the build folder, so the build
needs planner's own dependencies (pyproject's [build-system] requires). Should packing fail, the wheel is still
built, without packed books (planner then derives the tables on first use and caches them), and the build log
says why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithPackedBooks(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the source tree, which keeps no packed books
            return
        build_lib = Path(self.build_lib).resolve()
        target = build_lib / "pricing_data" / "derived"
        shutil.rmtree(target, ignore_errors=True)  # never the packs of an earlier build (of other tables or code)
        with tempfile.TemporaryDirectory() as tmp:
            # packed from a copy of what the wheel will hold, so the code digest the packs are keyed by is the
            # installed modules' (planner.pricing.cache.code_digest)
            shutil.copytree(build_lib / "planner", Path(tmp, "planner"), ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copytree(build_lib / "pricing_data", Path(tmp, "pricing_data"),
                            ignore=shutil.ignore_patterns("derived", "__pycache__"))
            # prepended: pip's isolated build environment reaches its packages through PYTHONPATH too
            path = os.pathsep.join(p for p in (tmp, os.environ.get("PYTHONPATH", "")) if p)
            env = {**os.environ, "PYTHONPATH": path, "PLANNER_CACHE_DIR": "off"}
            done = subprocess.run([sys.executable, "-m", "planner.running.book_build", str(Path(tmp, "pricing_data"))],
                                  cwd=tmp, env=env, capture_output=True, text=True)
            if done.returncode:
                print("warning: the price books were not packed; planner will derive their tables on first use:\n"
                      + done.stderr[-4000:], file=sys.stderr)
                return
            target.mkdir(parents=True)
            for pack in Path(tmp, "pricing_data", "derived").glob("*.pack"):
                shutil.copy2(pack, target / pack.name)
                print(f"packed {target / pack.name} ({pack.stat().st_size / 1e6:.1f} MB)")
            _leave_in_checkout(Path(tmp, "pricing_data", "derived"))


def _leave_in_checkout(packs: Path) -> None:
    """The packs in the checkout being built too (``pricing_data/derived``, ignored by git): the README's
    ``python3 -m planner ...`` runs from the clone, whose modules and tables Python imports before the installed
    ones, and its packs are keyed by the same code and tables. A build from a copy (an sdist, a read-only
    folder) leaves nothing there."""
    checkout = Path(__file__).resolve().parent
    if not ((checkout / "pricing_data" / "MANIFEST.csv").is_file() and (checkout / "planner").is_dir()):
        return
    try:
        folder = checkout / "pricing_data" / "derived"
        folder.mkdir(exist_ok=True)
        for pack in packs.glob("*.pack"):
            shutil.copy2(pack, folder / pack.name)
    except OSError:
        pass


setup(cmdclass={"build_py": BuildPyWithPackedBooks})
