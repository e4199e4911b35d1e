"""The editable rows of the scorecard page are put together from their fixed markup, built
once per criteria version and language (`scoring.templatetags.scorecard_grid._edit_parts`):
a row so assembled must be, byte for byte, the row the cell functions build in full, whatever
the criteria's and the province's texts hold."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring import selectors, services
from scoring.demo import PDF_BYTES
from scoring.enums import COMPUTED_KINDS
from scoring.models import Criterion, Scorecard
from scoring.templatetags import scorecard_grid

HOSTILE = "<b>\"Tỷ lệ\" & 'mục'</b>"


def scorecard_table(response):
    assert response.status_code == 200
    return re.search(
        r'<table class="table table-sm align-middle scorecard-table.*?</table>', response.content.decode(), re.S
    ).group(0)


def test_rows_from_their_fixed_parts_are_the_rows_built_in_full(scoring_demo, client, demo_user, monkeypatch):
    backan = demo_user("backan")
    card = Scorecard.objects.get(emulation_year__cluster=scoring_demo, emulation_year__year=2015, province__code="06")
    year = card.emulation_year
    a2 = Criterion.objects.get(section__emulation_year=year, code="A2")
    a2.title, a2.guidance = f"Thu ngân sách {HOSTILE}", f"Hướng dẫn {HOSTILE}"
    services.criterion_save(criterion=a2, reason="Đổi tên")
    leaves = {c.code: c for c in selectors.criteria_table(year).leaves}
    computed = [c for c in leaves.values() if c.kind in COMPUTED_KINDS]
    card = services.scorecard_save_self(
        scorecard=card,
        user=backan,
        version=card.version,
        entries={
            leaves["A1"].pk: ("9,5", f"Ghi chú {HOSTILE}\ndòng hai"),
            leaves["A3"].pk: ("", ""),
            computed[0].pk: ("55", ""),  # a computed score: shown beside the figure, the row built in full
        },
    )
    upload = SimpleUploadedFile(f"minh chứng {HOSTILE}.pdf", PDF_BYTES, content_type="application/pdf")
    services.evidence_upload(scorecard=card, criterion_id=leaves["A1"].pk, upload=upload, user=backan)
    client.force_login(backan)
    url = reverse("scoring:scorecard", args=[card.pk])

    assembled = []
    fresh = scorecard_grid._fresh_edit_row

    def spy(page, r):
        row = fresh(page, r)
        assembled.append((r["row"].criterion.code, row is not None))
        return row

    monkeypatch.setattr(scorecard_grid, "_fresh_edit_row", spy)
    fast = scorecard_table(client.get(url))
    again = scorecard_table(client.get(url))  # from the parts kept by the first page
    monkeypatch.setattr(scorecard_grid, "_fresh_edit_row", lambda page, r: None)
    full = scorecard_table(client.get(url))

    taken = dict(assembled)
    assert taken["A1"] and taken["A2"] and taken["A3"]  # the file, the hostile texts, an empty value
    assert taken[computed[0].code] is False
    assert fast == again == full
    assert "Thu ngân sách &lt;b&gt;&quot;Tỷ lệ&quot; &amp; &#x27;mục&#x27;&lt;/b&gt;" in fast
    assert "Ghi chú &lt;b&gt;&quot;Tỷ lệ&quot; &amp; &#x27;mục&#x27;&lt;/b&gt;\ndòng hai</textarea>" in fast
    assert "<b>" not in fast


def test_a_refused_value_is_shown_on_its_row_built_in_full(scoring_demo, client, demo_user):
    backan = demo_user("backan")
    card = Scorecard.objects.get(emulation_year__cluster=scoring_demo, emulation_year__year=2015, province__code="06")
    a1 = next(c for c in selectors.criteria_table(card.emulation_year).leaves if c.code == "A1")
    client.force_login(backan)
    response = client.post(
        reverse("scoring:scorecard", args=[card.pk]), {"version": card.version, "save": "1", f"score_{a1.pk}": "99"}
    )
    assert response.status_code == 400
    row = re.search(r'<tr data-criterion="A1".*?</tr>', response.content.decode(), re.S).group(0)
    assert 'value="99"' in row and "is-invalid" in row and f'aria-describedby="id_score_{a1.pk}_error"' in row
