import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taalpad.settings")
application = get_wsgi_application()

# What start-up loaded (modules, settings, URL patterns, templates' code) lives as long as the
# process: frozen, the garbage collector's full passes no longer walk it on every request that
# allocates enough to trigger one (such a pass cost a trend of the city 50 ms; docs/performance.md).
gc.freeze()
