# SPDX-License-Identifier: Apache-2.0
"""A one-line progress indicator on standard error, for work over many files."""
import sys


class Progress:
    """Counts files done (and failed) out of `total`; prints only when `enabled`.

    On a terminal the line is redrawn in place; otherwise a line is printed at every 10% (so that logs
    stay short)."""

    def __init__(self, total, enabled, what="files", stream=None):
        self.total = total
        self.enabled = bool(enabled) and total > 0
        self.what = what
        self.done = 0
        self.failed = 0
        self._stream = stream if stream is not None else sys.stderr
        self._tty = hasattr(self._stream, "isatty") and self._stream.isatty()
        self._next_step = 0

    def advance(self, failed=False):
        self.done += 1
        self.failed += int(bool(failed))
        if not self.enabled:
            return
        if self._tty:
            self._stream.write("\r" + self._line())
            self._stream.flush()
        else:
            step = (10 * self.done) // self.total
            if step >= self._next_step or self.done == self.total:
                self._stream.write(self._line() + "\n")
                self._next_step = step + 1

    def finish(self):
        if self.enabled and self._tty:
            self._stream.write("\n")
            self._stream.flush()

    def _line(self):
        line = f"sentio: {self.done}/{self.total} {self.what}"
        if self.failed:
            line += f", {self.failed} failed"
        return line
