class use_broker:
    """Point the Celery app at another broker for the duration of a test, then restore it.

    The app caches its connection pool and its producer pool: both are reset, or a message
    could go to the broker configured before.
    """

    def __init__(self, url):
        self.url = url

    @staticmethod
    def _reset(app):
        app._pool = None
        app.amqp._producer_pool = None

    def __enter__(self):
        from config.celery import app

        self.app = app
        self.old = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = False, self.url, None
        self._reset(app)
        return app

    def __exit__(self, *exc):
        self.app.conf.task_always_eager, self.app.conf.broker_url, self.app.conf.result_backend = self.old
        self._reset(self.app)
        return False
