from django.utils import translation

from covenants.forms import CovenantForm


def test_the_covenant_title_field_is_called_its_name(db):
    with translation.override("vi"):
        assert str(CovenantForm(members=[]).fields["title"].label) == "Tên giao ước"
