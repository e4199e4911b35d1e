"""The start of a long-lived process (a gunicorn worker, a Celery worker process)."""

import gc


def settle_heap():
    """Keep what the process has loaded so far (Django, the apps, their modules) out of the
    garbage collector's full passes (`gc.freeze`). Those objects live as long as the process;
    without this every full pass walks them all again, about 60 ms each, once every few dozen
    pages and every other document (a tenth of a page's CPU on average, measured with
    `gc.callbacks`). What a request creates is collected as before."""
    gc.collect()
    gc.freeze()
