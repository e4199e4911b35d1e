"""Values built once per request: a request that reads the year's criteria table three times
(the view, the service's checks, the totals) builds it once (issue 14).

`RequestMemoMiddleware` opens an empty memo for each request and drops it at the end; outside a
request (a task, the shell, a test calling a service) nothing is remembered and `memoized` simply
builds. A service that changes what a memo holds calls `forget`.
"""

import contextvars

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


def forget(prefix):
    """Drop every memo whose key (a tuple) starts with `prefix`."""
    memo = _memo.get()
    if memo:
        for key in [k for k in memo if k[: len(prefix)] == prefix]:
            del memo[key]
