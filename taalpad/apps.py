from django.apps import AppConfig


class TaalpadConfig(AppConfig):
    name = "taalpad"
    verbose_name = "TaalPad"

    def ready(self):
        from progress import data_version
        from taalpad import security_log  # noqa: F401 - connects the security signals

        data_version.connect()
