from django.apps import AppConfig


class TaalpadConfig(AppConfig):
    name = "taalpad"
    verbose_name = "TaalPad"
