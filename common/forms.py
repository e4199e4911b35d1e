"""Form fields shared by the apps."""

from decimal import Decimal

from django import forms
from django.utils import formats

from .numbers import decimal_from_text


class DecimalCommaField(forms.DecimalField):
    """A decimal in a text box (inputmode "decimal"), never in `<input type="number">`, which
    shows nothing when the value carries a decimal comma. Shown in the page's language
    (66,67 in Vietnamese, 66.67 in English); read with either mark."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        self.widget.attrs.pop("step", None)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            # 70 rather than 70,00; 66,67 as typed
            return formats.number_format(
                value.quantize(Decimal(1)) if value == value.to_integral() else value, use_l10n=True
            )
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            value = decimal_from_text(value)
        except ValueError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        return value
