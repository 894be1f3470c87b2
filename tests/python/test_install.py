# SPDX-License-Identifier: Apache-2.0
"""`cmake --install` puts a package that imports and runs from the prefix alone (its libsentio, its
models), with no build folder on the path."""
import os
import subprocess
import sys

from conftest import BINARY_DIR

PROBE = r"""
import numpy as np, sentio, sys
sys.path.insert(0, sys.argv[1])
from conftest import voice_like
print(sentio.__file__)
x = voice_like(2.0)
print(sentio.Features().process_signal(x, 16000).shape)
print(sentio.Analyzer().process_signal(x, 16000).to_dict()["models"][0]["path"])
"""


def test_installed_package_runs_from_its_prefix(tmp_path):
    prefix = tmp_path / "prefix"
    subprocess.run(["cmake", "--install", str(BINARY_DIR), "--prefix", str(prefix)], check=True,
                   capture_output=True, timeout=300)
    site = next(prefix.glob("lib/python3*/*-packages"))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SENTIO_PLUGIN_DIR")}
    env["PYTHONPATH"] = str(site)
    tests_dir = os.path.dirname(__file__)
    r = subprocess.run([sys.executable, "-c", PROBE, tests_dir], capture_output=True, text=True, env=env,
                       cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stderr
    module, shape, model = r.stdout.split("\n")[:3]
    assert module.startswith(str(site))
    assert shape == "(1, 88)"
    assert model.startswith(str(prefix / "share" / "sentio" / "models"))
