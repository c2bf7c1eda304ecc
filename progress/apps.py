from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """Every figure: progress toward targets, trend and projection, level distribution,
    exchange statistics, suppression; the dashboards, charts, exports and the report."""

    name = "progress"
    verbose_name = "Progress"
