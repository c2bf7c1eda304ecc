"""Log formatting, importable before Django's apps are loaded (logging is set up first)."""

import datetime
import json
import logging


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the time in UTC and the event's details as fields."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "event": record.getMessage(),
            **getattr(record, "details", {}),
        }
        return json.dumps(entry, ensure_ascii=False, default=str)


class ClientErrorsInOneLine(logging.Filter):
    """A 403 or 404 is the visitor's mistake or a guess, not a fault: Django logs it with the
    exception's traceback, which here becomes one line (method, path, status)."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
