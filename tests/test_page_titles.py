"""Every page has a title of its own (WCAG 2.4.2): each template that extends base.html sets
its title block, and no two set the same one. tests/e2e/test_accessibility.py checks the
rendered titles of the pages it visits; this catches a new page that forgot."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
EXTENDS_BASE = re.compile(r'{%\s*extends\s+"base\.html"\s*%}')
TITLE_BLOCK = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)
#: Pages whose title is the `title` their view passes (confirmation pages).
FROM_THE_VIEW = "{{ title }}"


def page_titles():
    titles = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        if EXTENDS_BASE.search(source):
            match = TITLE_BLOCK.search(source)
            titles[str(path.relative_to(TEMPLATES))] = match.group(1).strip() if match else None
    return titles


def test_every_page_sets_its_title():
    titles = page_titles()
    assert len(titles) > 30  # the templates were found
    untitled = [name for name, title in titles.items() if not title]
    assert not untitled, f"pages without {{% block title %}}: {untitled}"


def test_no_two_pages_share_a_title():
    seen = {}
    for name, title in page_titles().items():
        if title and title != FROM_THE_VIEW:
            seen.setdefault(title, []).append(name)
    shared = {title: names for title, names in seen.items() if len(names) > 1}
    assert not shared, f"pages with the same title: {shared}"
