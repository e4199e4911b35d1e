"""Values built once per request: a request that reads the year's criteria table three times
(the view, the service's checks, the totals) builds it once (issue 14).

`RequestMemoMiddleware` opens an empty memo for each request and drops it at the end; outside a
request (a task, the shell, a test calling a service) nothing is remembered and `memoized` simply
builds. A service that changes what a memo holds calls `forget`.
"""

import contextvars
import threading
from collections import OrderedDict

_memo = contextvars.ContextVar("request_memo", default=None)


class RequestMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)


def memoized(key, build):
    memo = _memo.get()
    if memo is None:
        return build()
    if key not in memo:
        memo[key] = build()
    return memo[key]


def remember(key, value):
    """Keep `value` under `key` for the rest of the request (a value read along with another
    row in this request, as fresh as reading it again); outside a request, nothing."""
    memo = _memo.get()
    if memo is not None:
        memo[key] = value


def forget(prefix):
    """Drop every memo whose key (a tuple) starts with `prefix`."""
    memo = _memo.get()
    if memo:
        for key in [k for k in memo if k[: len(prefix)] == prefix]:
            del memo[key]


class Versioned:
    """A small process-local store in front of the shared cache, for values that never change
    under their key because the key names their version (the criteria table under the year's
    `criteria_key`): a hit costs neither a round trip to Redis nor unpickling a few hundred
    rows. The least recently used of `size` keys goes first; `clear` empties every store (a
    test that changes rows without the services that renew the keys)."""

    stores = []

    def __init__(self, size):
        self.size = size
        self.values = OrderedDict()
        self.lock = threading.Lock()
        Versioned.stores.append(self)

    def get(self, key, build):
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
                return self.values[key]
        value = build()
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)
        return value

    @classmethod
    def clear(cls):
        for store in cls.stores:
            with store.lock:
                store.values.clear()
