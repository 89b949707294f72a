"""Bundles a built libhylo into the package (hylo/lib/) when one is found in the source tree,
so that `pip install ./bindings/python` after `cmake --build build` works without HYLO_LIBRARY."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent.parent.parent


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        for candidate in (ROOT / "build" / "lib" / "libhylo.so", ROOT / ".build" / "release" / "libhylo.so"):
            if candidate.exists():
                target = Path(self.build_lib) / "hylo" / "lib"
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(candidate.resolve(), target / "libhylo.so")
                break


setup(cmdclass={"build_py": BuildWithLibrary})
