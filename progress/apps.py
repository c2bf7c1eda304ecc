from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """Every figure: progress toward targets, trend and projection, level distribution,
    exchange statistics, suppression; the dashboards, charts, exports and the report."""

    name = "progress"
    verbose_name = "Progress"

    def ready(self):
        from progress import data_version

        # Writes in schools and exchanges change figures: the figures cache listens for them.
        data_version.connect()
