import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
application = get_wsgi_application()

# What start-up loaded (Django, the apps, the models: ~90,000 objects) lives as long as the
# process: moved out of the collector's generations, a full collection during a request no
# longer scans it all again, and a forked worker does not copy pages by touching it.
gc.collect()
gc.freeze()
