"""Build step: put libBatchVisionC.so inside the package.

`pip install ./python` takes a prebuilt library ($BATCHVISION_LIBRARY, else the repo's
.build-capi/release output) or, when there is none, runs ../scripts/build-capi (a release
`swift build` with the Swift runtime linked in statically: several minutes). The package is
pure ctypes; the wheel is tagged for this platform because it carries the .so.
"""
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LIBRARY = "libBatchVisionC.so"


def prebuilt():
    """The library to package without building, or None."""
    candidates = [os.environ.get("BATCHVISION_LIBRARY"), REPO / ".build-capi" / "release" / LIBRARY]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def build():
    script = REPO / "scripts" / "build-capi"
    if not script.is_file():
        raise RuntimeError(f"no prebuilt {LIBRARY} and no {script}; set BATCHVISION_LIBRARY to the library's path")
    subprocess.run([str(script)], cwd=REPO, check=True)
    return REPO / ".build-capi" / "release" / LIBRARY


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "batchvision" / "lib"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(prebuilt() or build(), target / LIBRARY)
        header = REPO / "Sources" / "BatchVisionC" / "include" / "batchvision.h"
        if header.is_file():
            (Path(self.build_lib) / "batchvision" / "include").mkdir(exist_ok=True)
            shutil.copy2(header, Path(self.build_lib) / "batchvision" / "include" / header.name)


class BinaryDistribution(Distribution):
    """A platform wheel: the package carries a native library (though no Python extension)."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithLibrary}, distclass=BinaryDistribution)
