from django.apps import AppConfig


class MeConfig(AppConfig):
    """The pupil's own pages ("Mijn Duits"): levels, growth chart, exchanges, self-assessment
    and the own-data download."""

    name = "me"
    verbose_name = "Mijn Duits"

    def ready(self):
        from me import kept_pages

        kept_pages.connect()
