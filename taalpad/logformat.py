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
