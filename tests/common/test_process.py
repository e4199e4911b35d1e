import gc
import importlib
import sys

import pytest
from celery.signals import worker_process_init

from common.process import settle_heap
from config import celery as celery_app


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


def test_settling_the_heap_keeps_what_is_loaded_out_of_the_collectors_passes(unfrozen):
    gc.unfreeze()
    settle_heap()
    assert gc.get_freeze_count() > 10_000  # Django and the apps: their objects, not a handful
    # What is made afterwards is still collected: a reference cycle made now is freed.
    cycle = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1


def test_a_web_worker_settles_its_heap_once_the_app_is_loaded(unfrozen):
    gc.unfreeze()
    import config.wsgi

    importlib.reload(config.wsgi)
    assert gc.get_freeze_count() > 10_000


def test_a_worker_process_loads_weasyprint_and_settles_its_heap_before_its_first_task(unfrozen):
    assert celery_app.prepare_worker_process in [ref() for _key, ref in worker_process_init.receivers]
    gc.unfreeze()
    worker_process_init.send(sender=None)
    assert gc.get_freeze_count() > 10_000
    assert "weasyprint" in sys.modules
