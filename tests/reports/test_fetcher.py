"""The PDF resource fetcher loads our fonts and static files, and nothing else."""

from pathlib import Path

import pytest
from django.conf import settings

from reports.services import document_fetcher

STATIC = Path(settings.BASE_DIR) / "static"


def font_dir():
    return Path(settings.PDF_FONT_DIR)


def fetch(url):
    response = document_fetcher().fetch(url)
    try:
        return response.read()
    finally:
        response.close()


def test_a_font_and_a_stylesheet_of_ours_are_fetched():
    font = font_dir() / "LiberationSerif-Regular.ttf"
    assert fetch(f"file://{font}") == font.read_bytes()
    assert fetch(f"file://{STATIC}/css/app.css") == (STATIC / "css" / "app.css").read_bytes()


@pytest.mark.parametrize(
    "tail",
    [
        "../../../../etc/passwd",
        "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "%2e%2E/%2E%2e/%2e%2E/%2E%2e/etc/passwd",
        ".%2e/.%2E/%2e./%2E./etc/passwd",
        "%252e%252e/%252e%252e/%252e%252e/%252e%252e/etc/passwd",
        "%25252e%25252e/etc/passwd",
        "%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..%5c..%5c..%5c..%5cetc%5cpasswd",
        "..\\..\\..\\..\\etc\\passwd",
        "css\\app.css",
        "css/app.css%00.png",
    ],
)
@pytest.mark.parametrize("folder", ["static", "fonts"])
def test_a_path_climbing_out_of_an_allowed_folder_is_refused(folder, tail):
    base = STATIC if folder == "static" else font_dir()
    with pytest.raises(ValueError, match="not allowed"):
        document_fetcher().fetch(f"file://{base}/{tail}")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        f"file://{STATIC}-private/secret.css",  # a sibling folder sharing the prefix
        f"file://{settings.BASE_DIR}/config/settings.py",
        "file://attacker.example/share/app.css",
        "http://127.0.0.1:8000/healthz/",
        "https://example.com/font.ttf",
        "data:text/css,body{}",
    ],
)
def test_anything_outside_the_fonts_and_static_files_is_refused(url):
    with pytest.raises(ValueError, match="not allowed"):
        document_fetcher().fetch(url)
