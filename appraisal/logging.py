"""Log records as one line where a traceback tells nothing: a refused request (403/404, which the
user was told about in Chinese) and a cache call that failed while Redis was down."""

import logging


class OneLineUnlessServerError(logging.Filter):
    """Folds a record's exception into its message, unless it belongs to a 5xx answer."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and (status is None or status < 500):
            exc = record.exc_info[1]
            record.msg = f"{record.getMessage()} ({type(exc).__name__}: {exc})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True
