"""Sending a private file (evidence, a signed scan, a document, an Excel export) to its reader.
A leaf module: it imports no app of the project."""

from django.http import FileResponse

#: No cache between the server and the reader (a proxy, the browser's disk cache) may keep it.
CACHE_CONTROL = "private, no-store"


def private_file_response(file, *, filename, content_type=None):
    """The file as an attachment with a safe name, never cached, never sniffed or run as a page
    (a sandboxed Content-Security-Policy)."""
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
