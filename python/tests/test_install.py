"""`pip install ./python`: the wheel carries the library, and the installed package classifies."""
import os
import subprocess
import sys

from conftest import BUILD, REPO


def test_pip_install_packages_the_library(tmp_path):
    library = BUILD / "libBatchVisionC.so"
    target = tmp_path / "site"
    env = dict(os.environ, BATCHVISION_LIBRARY=str(library))
    # The library this build made is packaged as is (scripts/build-capi makes the self-contained
    # one; setup.py runs it when no library is given). No index: setuptools is the venv's own.
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(target), str(REPO / "python")],
        check=True, env=env, capture_output=True, text=True)
    assert (target / "batchvision" / "lib" / "libBatchVisionC.so").is_file()
    assert (target / "batchvision" / "include" / "batchvision.h").is_file()

    check = """
import sys, batchvision
from batchvision import _library
from batchvision.classifier import Classifier
assert str(_library.library_path()).startswith(sys.argv[1]), _library.library_path()
c = Classifier(model="resnet18", random_weights=True, threads=1, batch_size=2)
p = c.classify_encoded([open(sys.argv[2], "rb").read(), b"not an image"])
assert p.errors[0] is None and p.errors[1], p.errors
print(p.labels[0][0])
"""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BATCHVISION_")}
    done = subprocess.run(
        [sys.executable, "-c", check, str(target), str(REPO / "Samples" / "chelsea.jpg")],
        cwd=tmp_path, env=dict(clean, PYTHONPATH=str(target)), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
