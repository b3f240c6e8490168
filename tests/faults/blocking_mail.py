"""A mail backend for a real worker under test: it says when a send begins (a file
`entered-<pid>` holding the process id), then blocks until the test creates
`release`, then writes the mail to a file like the file backend. The test can so
kill the worker at the right moment: mid-send, before the mail has gone out."""

import os
import pathlib
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def send_messages(self, email_messages):
        control = pathlib.Path(self.file_path)
        (control / f"entered-{os.getpid()}").write_text(str(os.getpid()))
        deadline = time.monotonic() + 120
        while not (control / "release").exists():
            if time.monotonic() > deadline:
                raise TimeoutError("the test never released the mail")
            time.sleep(0.05)
        return super().send_messages(email_messages)
