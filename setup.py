# SPDX-License-Identifier: Apache-2.0
"""Builds the Python package with CMake for `pip install --no-build-isolation .` (docs/PYTHON.md).

The C++ build happens in the folder `make build` uses ($SENTIO_BUILD_DIR, default build/), so an
existing build is reused. The wheel holds the module with what it needs beside it: libsentio, the
sentio-torch plugin and the models (libsentio finds both next to itself)."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = Path(os.environ.get("SENTIO_BUILD_DIR", ROOT / "build"))
        if not build.is_absolute():
            build = ROOT / build
        jobs = os.environ.get("JOBS", "2")
        subprocess.check_call(["cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja",
                               "-DCMAKE_BUILD_TYPE=Release"])
        subprocess.check_call(["cmake", "--build", str(build), "-j", jobs, "--target", "sentio_python",
                               "sentio_torch_plugin"])
        target = Path(self.get_ext_fullpath(ext.name)).parent
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as stage:
            subprocess.check_call(["cmake", "--install", str(build), "--prefix", stage],
                                  stdout=subprocess.DEVNULL)
            stage = Path(stage)
            package = next(stage.glob("lib/python3*/*-packages/sentio"))
            for f in package.glob("_sentio*.so"):
                shutil.copy2(f, target)
            for f in stage.glob("lib/libsentio.so*"):
                shutil.copy2(f, target, follow_symlinks=False)
            shutil.copy2(stage / "lib" / "sentio" / "sentio-torch.so", target)
            shutil.copytree(stage / "share" / "sentio" / "models", target / "models", dirs_exist_ok=True)


setup(ext_modules=[Extension("sentio._sentio", sources=[])], cmdclass={"build_ext": CMakeBuild})
