"""gunicorn settings, read automatically when gunicorn starts in this directory.

Production settings unless DJANGO_SETTINGS_MODULE names others (as wsgi.py says too);
they refuse to start without DJANGO_SECRET_KEY.

Access and error log lines go through the same redaction as the application's logs
(ccpor_onboard/lib/log_redaction.py): calendar feed secrets, password-reset links and
API tokens never reach a log file. Everything else is given on the command line, e.g.
`gunicorn ccpor_onboard.wsgi --workers 4 --bind 0.0.0.0:8000 --access-logfile -`.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccpor_onboard.settings.production")

from gunicorn.glogging import Logger  # noqa: E402

from ccpor_onboard.lib.log_redaction import RedactSecretsFilter  # noqa: E402


class RedactingLogger(Logger):
    """gunicorn's logger, with secrets masked in access and error lines."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, RedactSecretsFilter) for f in log.filters):
                log.addFilter(RedactSecretsFilter())


logger_class = RedactingLogger
