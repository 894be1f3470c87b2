# SPDX-License-Identifier: Apache-2.0
"""The Python side of bench/python_overhead.sh: the same job as the command line, through `import sentio`.

    python3 bench/python_overhead.py features LIST JOBS        # Features(jobs).process_files -> DataFrame
    python3 bench/python_overhead.py analysis LIST JOBS OUTDIR # Analyzer(jobs).process_files -> one .json each

With $CALL_TIME_FILE set, the time from after the imports to the end is appended to that file.
"""
import os
import sys
import time

import sentio

started = time.perf_counter()

kind, list_file, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
paths = [line.strip() for line in open(list_file) if line.strip()]
if kind == "features":
    df = sentio.Features(jobs=jobs).process_files(paths)
    assert len(df) == len(paths), df.attrs["errors"]
else:
    out = sys.argv[4]
    for path, result in zip(paths, sentio.Analyzer(jobs=jobs).process_files(paths, errors="raise")):
        name = os.path.splitext(os.path.basename(path))[0] + ".json"
        with open(os.path.join(out, name), "w") as f:
            f.write(result.to_json())
# the call itself, without the interpreter's start and the imports (numpy, pandas: about 0.5 s)
if os.environ.get("CALL_TIME_FILE"):
    with open(os.environ["CALL_TIME_FILE"], "a") as f:
        f.write(f"{time.perf_counter() - started:.3f}\n")
