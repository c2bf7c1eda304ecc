from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city and its command, `manage.py seed_demo`; nothing else imports it."""

    name = "demo"
    verbose_name = "Demo city"
