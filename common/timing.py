"""The CPU a request cost its worker, in a standard `Server-Timing: cpu;dur=<ms>` response header,
for the load benchmark (`bench/load.py`): the client's wall time depends on the queue, the
worker's CPU per request does not. Off unless DJANGO_SERVER_TIMING is set (it tells nothing
secret, but production has no use for it)."""

import time


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.thread_time()  # this thread's CPU: right for sync and threaded workers alike
        response = self.get_response(request)
        response["Server-Timing"] = f"cpu;dur={(time.thread_time() - started) * 1000:.2f}"
        return response
