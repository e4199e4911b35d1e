import os

from django.core.wsgi import get_wsgi_application

from common.process import settle_heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
settle_heap()
