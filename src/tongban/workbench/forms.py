"""Workbench forms. Field checks reuse tongban.core.validation so a page and the API say the
same thing; the services check again (they are the authority)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.cases.applicants import ApplicantInput
from tongban.cases.models import ApplicantKind, DeliveryMethod, MaterialStatus
from tongban.cases.services import MaterialInput, UploadInput
from tongban.catalog.models import Subject
from tongban.core.errors import DomainError, InvalidInput
from tongban.core.validation import validate_credit_code, validate_id_number, validate_phone

# DomainError.field -> form field
ERROR_FIELDS = {
    "applicant.kind": "kind", "applicant.name": "name", "id_number": "id_number", "phone": "phone",
    "credit_code": "credit_code", "applicant.legal_representative": "legal_representative",
    "delivery_method": "delivery_method", "center": "center", "reason": "reason", "missing": "missing",
    "days": "days", "method": "method", "reference": "reference", "score": "score", "note": "note",
    "purpose": "purpose",
}

MATERIAL_CHOICES = [
    (MaterialStatus.RECEIVED, _("received")),
    (MaterialStatus.EXEMPTED, _("exempted")),
    (MaterialStatus.MISSING, _("not provided")),
]


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's error next to the field it names (or above the form)."""
    name = ERROR_FIELDS.get(exc.field or "")
    form.add_error(name if name in form.fields else None, str(exc.message))


def _validated(form: forms.Form, name: str, validator) -> str:
    value = form.cleaned_data.get(name, "")
    if not value:
        return ""
    try:
        return validator(value)
    except InvalidInput as exc:
        form.add_error(name, str(exc.message))
        return value


class ApplicantFields(forms.Form):
    """The applicant block shared by the window and the online application."""

    kind = forms.ChoiceField(label=_("Applicant type"), choices=ApplicantKind.choices,
                             widget=forms.RadioSelect, initial=ApplicantKind.PERSON)
    name = forms.CharField(label=_("Name (person or entity)"), max_length=100)
    id_number = forms.CharField(label=_("ID number"), max_length=24, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text",
                                                              "spellcheck": "false"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=24, required=False)
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=60, required=False)

    def setup_applicant(self, version) -> None:
        if version.subject != Subject.BOTH:
            self.fields["kind"].initial = version.subject
            self.fields["kind"].choices = [(version.subject, version.get_subject_display())]
            self.fields["kind"].widget = forms.HiddenInput()
        self.subject = version.subject

    def clean_applicant(self) -> None:
        kind = self.cleaned_data.get("kind")
        id_number = _validated(self, "id_number", validate_id_number)
        if kind == ApplicantKind.PERSON and not self.cleaned_data.get("id_number"):
            self.add_error("id_number", _("Enter the applicant's 18-character ID number."))
        self.cleaned_data["id_number"] = id_number
        self.cleaned_data["phone"] = _validated(self, "phone", validate_phone)
        if kind == ApplicantKind.ENTITY:
            if not self.cleaned_data.get("credit_code"):
                self.add_error("credit_code", _("Enter the entity's unified social credit code."))
            else:
                self.cleaned_data["credit_code"] = _validated(self, "credit_code", validate_credit_code)
            if not self.cleaned_data.get("legal_representative", "").strip():
                self.add_error("legal_representative", _("Enter the legal representative."))

    def applicant_input(self) -> ApplicantInput:
        d = self.cleaned_data
        return ApplicantInput(kind=d["kind"], name=d["name"], id_number=d.get("id_number", ""),
                              phone=d.get("phone", ""), credit_code=d.get("credit_code", ""),
                              legal_representative=d.get("legal_representative", ""))


class MaterialRows:
    """One row per material of the item: status (received / exempted / not provided), a scan
    and, when exempted, why. Field names are m<position>_status / _file / _reason."""

    def add_material_fields(self, version, *, online: bool = False) -> None:
        self.material_rows = []
        for m in version.materials.all():
            key = f"m{m.position}"
            default = (MaterialStatus.EXEMPTED if m.shared_source
                       else MaterialStatus.RECEIVED if m.required else MaterialStatus.MISSING)
            choices = MATERIAL_CHOICES
            if online:
                choices = ([(MaterialStatus.EXEMPTED, _("use shared data (no upload)"))] if m.shared_source else []) + [
                    (MaterialStatus.RECEIVED, _("upload a file")), (MaterialStatus.MISSING, _("not provided"))]
                default = (MaterialStatus.EXEMPTED if m.shared_source
                           else MaterialStatus.RECEIVED if m.required else MaterialStatus.MISSING)
            self.fields[f"{key}_status"] = forms.ChoiceField(
                label=m.name, choices=choices, initial=default, widget=forms.RadioSelect)
            self.fields[f"{key}_file"] = forms.FileField(
                label=_("Scan of %(name)s") % {"name": m.name}, required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}))
            self.fields[f"{key}_reason"] = forms.CharField(
                label=_("Why exempted"), max_length=200, required=False,
                initial=m.get_shared_source_display() if m.shared_source else "")
            self.material_rows.append((m, key))

    def clean_materials(self, *, online: bool = False) -> None:
        for m, key in self.material_rows:
            status = self.cleaned_data.get(f"{key}_status")
            upload = self.cleaned_data.get(f"{key}_file")
            if status == MaterialStatus.EXEMPTED and not (self.cleaned_data.get(f"{key}_reason") or m.shared_source):
                self.add_error(f"{key}_reason", _("Say why this material is exempted."))
            if online and status == MaterialStatus.RECEIVED and not upload:
                self.add_error(f"{key}_file", _("Choose the file to upload, or mark it as not provided."))
            if online and status == MaterialStatus.MISSING and m.required:
                self.add_error(f"{key}_status", _("This material is required."))

    def material_inputs(self) -> list[MaterialInput]:
        result = []
        for m, key in self.material_rows:
            status = self.cleaned_data.get(f"{key}_status")
            if status == MaterialStatus.MISSING or not status:
                continue
            upload = self.cleaned_data.get(f"{key}_file")
            file = (UploadInput(name=upload.name, data=upload.read(), content_type=upload.content_type or "")
                    if upload and status == MaterialStatus.RECEIVED else None)
            reason = self.cleaned_data.get(f"{key}_reason", "") if status == MaterialStatus.EXEMPTED else ""
            result.append(MaterialInput(name=m.name, status=status, exemption_reason=reason,
                                        source=m.shared_source if status == MaterialStatus.EXEMPTED else "",
                                        file=file))
        return result

    def material_table(self):
        """(material, status field, file field, reason field) for the template."""
        return [(m, self[f"{key}_status"], self[f"{key}_file"], self[f"{key}_reason"]) for m, key in self.material_rows]


class ReceiveForm(ApplicantFields, MaterialRows):
    delivery_method = forms.ChoiceField(label=_("How the result is delivered"), choices=DeliveryMethod.choices,
                                        initial=DeliveryMethod.PICKUP)
    note = forms.CharField(label=_("Note for the case file"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.setup_applicant(version)
        self.add_material_fields(version)
        order = ["kind", "name", "id_number", "phone", "credit_code", "legal_representative"]
        self.order_fields(order)

    def clean(self):
        cleaned = super().clean()
        self.clean_applicant()
        self.clean_materials()
        return cleaned


class ActionForm(forms.Form):
    """Every case action posts the version the user saw, so a second click or a colleague's
    earlier act is caught by the service's optimistic check."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    missing = forms.MultipleChoiceField(label=_("Missing or defective materials"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    method = forms.ChoiceField(label=_("Delivery method"), choices=DeliveryMethod.choices, required=False)
    reference = forms.CharField(label=_("Tracking number"), max_length=60, required=False)

    REASON_REQUIRED = {"refuse", "deny", "start_special_procedure"}

    def __init__(self, *args, case, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["missing"].choices = [(m.name, m.name) for m in case.item_version.materials.all()]
        if action == "start_special_procedure":
            steps = case.item_version.special_steps or []
            self.fields["reason"] = forms.ChoiceField(label=_("Special procedure"), choices=[(s, s) for s in steps])

    def clean(self):
        cleaned = super().clean()
        if self.action in self.REASON_REQUIRED and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason; it is printed on the decision."))
        if self.action == "request_correction" and not cleaned.get("missing"):
            self.add_error("missing", _("Tick every missing or defective material: the notice says it all at once."))
        return cleaned


class MaterialAddForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.ChoiceField(label=_("Material"))
    file = forms.FileField(label=_("Scan (PDF, JPEG or PNG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [(m.name, m.name) for m in case.item_version.materials.all()]


class ExtensionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    days = forms.IntegerField(label=_("Extra working days (1-10)"), min_value=1, max_value=10)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ExtensionDecisionForm(forms.Form):
    grant = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                   choices=[("yes", _("grant")), ("no", _("reject"))], widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class WindowRatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Rating given by the applicant"), coerce=int,
                                   choices=[(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")],
                                   widget=forms.RadioSelect)
    text = forms.CharField(label=_("Comment"), max_length=500, required=False)


# -- ID-card-only handling (一证通办) ----------------------------------------------------------
CONSENT_CHOICES = [("yes", _("The applicant consents")), ("no", _("The applicant does not consent"))]
UNFETCHED_CHOICES = [("paper", _("taken on paper now")), ("deferred", _("to be brought later (correction notice)"))]


class IdOnlyStartForm(forms.Form):
    """Step 1: who, for which item, and the recorded consent to fetch their records."""

    item = forms.ChoiceField(label=_("Item"))
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    name = forms.CharField(label=_("Name"), max_length=100)
    purpose = forms.CharField(label=_("Purpose of the look-up"), max_length=200,
                              help_text=_("Recorded with every look-up, e.g. 办理住房公积金提取."))
    consent = forms.ChoiceField(label=_("Consent to fetch records from shared data"), choices=CONSENT_CHOICES,
                                widget=forms.RadioSelect)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("— choose an item —"))] + [
            (v.item.code, f"{v.name}（{v.item.code}）") for v in items]

    def clean_id_number(self):
        return _validated(self, "id_number", validate_id_number)


class IdOnlyFilingForm(forms.Form):
    """Step 2: for each material shared data could not supply, paper now or later."""

    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    delivery_method = forms.ChoiceField(label=_("How the result is delivered"), choices=DeliveryMethod.choices,
                                        initial=DeliveryMethod.PICKUP)
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, to_decide=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.to_decide = list(to_decide)
        for i, name in enumerate(self.to_decide):
            self.fields[f"m{i}"] = forms.ChoiceField(label=name, choices=UNFETCHED_CHOICES, widget=forms.RadioSelect)

    def material_fields(self):
        return [self[f"m{i}"] for i in range(len(self.to_decide))]

    def clean_phone(self):
        return _validated(self, "phone", validate_phone)

    def decisions(self) -> tuple[list[str], list[str]]:
        chosen = [(name, self.cleaned_data[f"m{i}"]) for i, name in enumerate(self.to_decide)]
        return [n for n, c in chosen if c == "paper"], [n for n, c in chosen if c == "deferred"]
