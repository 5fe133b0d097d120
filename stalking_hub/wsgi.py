import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stalking_hub.settings.base")
# The web's connections start no parallel query workers (stalking_hub/settings/base.py).
os.environ.setdefault("HUB_DB_PARALLEL_WORKERS", "0")

application = get_wsgi_application()
