"""Portal forms: the online application is generated from the item's material list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.cases.models import DeliveryMethod
from tongban.catalog.models import Category
from tongban.workbench.forms import ApplicantFields, MaterialRows

SEARCH_FLAGS = [("", _("any")), ("id_only", _("ID card only")), ("cross_region", _("cross-region")),
                ("online", _("online application"))]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("What do you want to do?"), max_length=60, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 公积金提取 or zfgjjtq")}))
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("all categories"))] + list(Category.choices))
    flag = forms.ChoiceField(label=_("Can be done"), required=False, choices=SEARCH_FLAGS)


class ApplyForm(ApplicantFields, MaterialRows):
    center = forms.ChoiceField(label=_("Service center that handles it"))
    delivery_method = forms.ChoiceField(label=_("How you receive the result"),
                                        choices=DeliveryMethod.choices, initial=DeliveryMethod.ELECTRONIC)
    consent = forms.BooleanField(label=_("I confirm the information is true and agree that it is used to handle this application."))

    def __init__(self, *args, version, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.setup_applicant(version)
        self.add_material_fields(version, online=True)
        self.fields["center"].choices = [(p["center"], p["center_name"]) for p in places]
        self.fields["phone"].required = True
        self.fields["phone"].help_text = _("We send progress messages to this number.")

    def clean(self):
        cleaned = super().clean()
        self.clean_applicant()
        self.clean_materials(online=True)
        return cleaned


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=24,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "611100-20230605-000001"}))
    id_number = forms.CharField(label=_("Applicant's ID number or credit code"), max_length=18,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))


class RatingForm(TrackForm):
    score = forms.TypedChoiceField(label=_("How satisfied are you?"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(5, _("5 very satisfied")), (4, _("4 satisfied")), (3, _("3 fair")),
                                            (2, _("2 dissatisfied")), (1, _("1 very dissatisfied"))])
    text = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
