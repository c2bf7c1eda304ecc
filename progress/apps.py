from django.apps import AppConfig


class ProgressConfig(AppConfig):
    """Every figure: progress toward targets, trend and projection, level distribution,
    exchange statistics, suppression; the dashboards, charts, exports and the report."""

    name = "progress"
    verbose_name = "Progress"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from progress import data_version, targets
        from progress.models import Target

        # Writes in schools and exchanges change figures: the figures cache listens for them.
        data_version.connect()
        post_save.connect(targets.forget_targets, sender=Target, dispatch_uid="kept-targets")
        post_delete.connect(targets.forget_targets, sender=Target, dispatch_uid="kept-targets")
