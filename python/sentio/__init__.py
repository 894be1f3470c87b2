# SPDX-License-Identifier: Apache-2.0
"""Sentio: emotion recognition from speech, faces and words (docs/PYTHON.md).

    import sentio
    smile = sentio.Features()                 # eGeMAPSv02 functionals, as opensmile-python
    df = smile.process_file("speech.wav")     # DataFrame indexed by (file, start, end)
    result = sentio.Analyzer().process_file("call.wav")
    result.segments                           # DataFrame: one row per speech segment
    result.to_dict()                          # the JSON document of `sentio analyze`

The work is done by the C++ library (the module sentio._sentio), which releases the GIL while it runs.
Problems with an input raise sentio.InputError (a ValueError) with the command line's message.
"""
from ._sentio import InputError, __version__
from .analysis import Analyzer, Result, Session
from .features import Features

__all__ = ["Analyzer", "Features", "InputError", "Result", "Session", "__version__"]
