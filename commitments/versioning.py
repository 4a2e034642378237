"""No lost updates: records edited by several staff carry a version, and a save from a stale form is refused.

Every save of an existing row claims the next version with one conditional `UPDATE … WHERE version = loaded`,
in the same transaction as the write, so two saves of the same version can never both succeed. Admin forms carry
the version (and a fingerprint of every value) they were loaded with; a form loaded before someone else's save
is refused with the fields that changed meanwhile and their current values, and keeps the user's input.
"""

import datetime
import hashlib
import json

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

VERSION_FIELD = "loaded_version"
SIGNING_SALT = "commitments.versioning"


class StaleVersionError(ValidationError):
    """Raised by `save()` when the row's version moved on since the instance was loaded."""

    def __init__(self, instance):
        super().__init__(
            _("%(object)s was changed by someone else in the meantime; nothing was saved. Load it again."),
            code="stale_version",
            params={"object": instance},
        )


class Versioned(models.Model):
    """A `version` that goes up by one on every save of the row; a save from an older version is refused."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Derived copies that say nothing to a person reading what changed.
    conflict_ignored_fields = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self._state.adding or kwargs.get("force_insert") or (update_fields is not None and not update_fields):
            return super().save(*args, **kwargs)  # a new row starts at version 1; an empty update writes nothing
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            self.claim_next_version(using=using)
            return super().save(*args, **kwargs)

    def claim_next_version(self, *, using=None):
        """Bump the stored version if it is still the one this instance was loaded with, else raise."""
        rows = type(self)._base_manager.using(using or router.db_for_write(type(self), instance=self))
        if not rows.filter(pk=self.pk, version=self.version).update(version=F("version") + 1):
            raise StaleVersionError(self)
        self.version += 1

    def conflict_fields(self):
        ignored = {"version", self._meta.pk.name, *self.conflict_ignored_fields}
        return [field for field in [*self._meta.concrete_fields, *self._meta.many_to_many] if field.name not in ignored]


def fingerprint(instance, field):
    if field.many_to_many:
        value = ",".join(str(pk) for pk in sorted(getattr(instance, field.name).values_list("pk", flat=True)))
    else:
        value = field.value_to_string(instance)
    return hashlib.sha256(value.encode()).hexdigest()[:12]


def normalized(value):
    """A form value, initial or cleaned, in one comparable shape."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | models.QuerySet):
        return sorted(normalized(item) for item in value)
    if value is None or value is False:
        return ""
    if value is True:
        return "on"
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def form_fingerprint(value):
    return hashlib.sha256(json.dumps(normalized(value)).encode()).hexdigest()[:12]


def version_token(instance, form=None):
    """What a form remembers of the row it was loaded with: its key, version and a fingerprint of each value.

    With `form` (unbound), also a fingerprint of each field's initial value, to tell later which fields the user
    changed.
    """
    state = {field.name: fingerprint(instance, field) for field in instance.conflict_fields()}
    token = {"pk": instance.pk, "version": instance.version, "state": state}
    if form is not None:
        token["form"] = {name: form_fingerprint(form[name].initial) for name in form.fields if name != VERSION_FIELD}
    return signing.dumps(token, salt=SIGNING_SALT)


def read_token(token):
    try:
        return signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        return None


def display_value(instance, field):
    if field.many_to_many:
        value = ", ".join(str(item) for item in getattr(instance, field.name).all())
    elif field.choices:
        value = getattr(instance, f"get_{field.name}_display")()
    else:
        value = getattr(instance, field.name)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if value is None or value == "" or (isinstance(value, models.fields.files.FieldFile) and not value):
        return gettext("(empty)")
    if isinstance(value, models.fields.files.FieldFile):
        value = value.name
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    text = str(value) if isinstance(value, str | models.Model) else formats.localize(value)
    return Truncator(text).chars(120)


def stale_form_error(loaded, current):
    """The form-level error for a form loaded at `loaded` (a read token) while the row is now `current`."""
    changed = [
        field for field in current.conflict_fields() if loaded["state"].get(field.name) != fingerprint(current, field)
    ]
    errors = [
        ValidationError(
            _(
                "Someone else saved changes to this record (%(model)s) after you opened the form: you started "
                "from version %(loaded)s and it is now at version %(current)s. Nothing was saved. The form keeps "
                "what you changed and shows the current value of everything else: check it and save again."
            ),
            code="stale_version",
            params={"model": current._meta.verbose_name, "loaded": loaded["version"], "current": current.version},
        )
    ]
    errors += [
        ValidationError(
            _("Changed meanwhile: %(field)s, now “%(value)s”."),
            code="stale_version_field",
            params={"field": field.verbose_name, "value": display_value(current, field)},
        )
        for field in changed
    ]
    return ValidationError(errors)


def locked(rows):
    """`rows`, locked until the end of the transaction when there is one (PostgreSQL)."""
    if transaction.get_connection(router.db_for_write(rows.model)).in_atomic_block:
        return rows.select_for_update()
    return rows


def lock_current(model, pk):
    return locked(model._base_manager.filter(pk=pk)).first()


def check_version(form, field_name, instance):
    """Refuse `form` when `instance`'s row was saved after the form was loaded; offer the new version instead."""
    loaded = read_token(form.data.get(form.add_prefix(field_name)) or "")
    if loaded is None or loaded["pk"] != instance.pk:
        return  # no version sent (a hand-made post), or loaded for another object: nothing to compare
    current = lock_current(type(instance), instance.pk)
    if current is None or current.version == loaded["version"]:
        return
    form.data = form.data.copy()
    current_form = None
    if "form" in loaded:
        current_form = type(form)(instance=current, prefix=form.prefix)
        refresh_untouched_fields(form, loaded["form"], current_form)
    # A deliberate second save, after reading what changed, goes through with the version now shown.
    form.data[form.add_prefix(field_name)] = version_token(current, current_form)
    raise stale_form_error(loaded, current)


def refresh_untouched_fields(form, loaded, current_form):
    """Show the current value in every field someone else changed and the user did not; keep the user's input."""
    for name, field in form.fields.items():
        if name not in loaded or name not in current_form.fields or name not in form.cleaned_data:
            continue
        if isinstance(field, forms.FileField) or isinstance(field.widget, forms.MultiWidget):
            continue
        current = current_form[name].initial
        untouched = form_fingerprint(form.cleaned_data[name]) == loaded[name]
        if untouched and form_fingerprint(current) != loaded[name]:
            key, value = form.add_prefix(name), normalized(current)
            if isinstance(value, list):
                form.data.setlist(key, value)
            elif isinstance(field, forms.BooleanField) and not value:
                form.data.pop(key, None)
            else:
                form.data[key] = value


class VersionField(forms.CharField):
    """The hidden version token; never counts as a change of its own."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data):
        return False


class VersionCheckedFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.fields[VERSION_FIELD].initial = version_token(self.instance, self)

    def clean(self):
        cleaned = super().clean()
        # An unchanged form writes nothing, so it cannot overwrite anyone.
        if self.instance.pk is not None and self.has_changed():
            check_version(self, VERSION_FIELD, self.instance)
        return cleaned


def version_checked(form_class):
    """`form_class` with the hidden version token and the stale-form check."""
    if issubclass(form_class, VersionCheckedFormMixin):
        return form_class
    attrs = {VERSION_FIELD: VersionField(), "__module__": form_class.__module__}
    return type(form_class)(form_class.__name__, (VersionCheckedFormMixin, form_class), attrs)


def flatten_fieldsets(fieldsets):
    # Imported here: models import this module before the admin may be loaded.
    from django.contrib.admin.utils import flatten_fieldsets

    return flatten_fieldsets(fieldsets)


class VersionedAdminFieldsMixin:
    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # Only a form that can be saved carries the version; a read-only page has no form field to render it.
        if obj is None or not self.can_save(request, obj) or VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]

    def can_save(self, request, obj):
        if not self.has_change_permission(request, obj):
            return False
        # An inline is read-only when its parent's page is: Django then draws every row read-only (a version field
        # there showed "None").
        parent = getattr(self, "parent_model", None)
        parent_admin = self.admin_site._registry.get(parent) if parent is not None else None
        return parent_admin is None or parent_admin.has_change_permission(request, obj)

    def form_kwargs_without_version(self, request, obj, kwargs):
        """The model form's fields: the version token is the wrapper's own field, unknown to the model form."""
        fields = kwargs["fields"] if "fields" in kwargs else flatten_fieldsets(self.get_fieldsets(request, obj))
        return {**kwargs, "fields": [name for name in fields if name != VERSION_FIELD]}


class VersionedAdmin(VersionedAdminFieldsMixin):
    """For a ModelAdmin of a `Versioned` model: the change form carries the version and refuses stale saves."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        if "fields" in kwargs and kwargs["fields"] is None:
            return super().get_form(request, obj, change, **kwargs)  # Django asking which fields the form has
        kwargs = self.form_kwargs_without_version(request, obj, kwargs)
        return version_checked(super().get_form(request, obj, change, **kwargs))

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return  # nothing to write: saving would only make everyone else's open form stale
        super().save_model(request, obj, form, change)


class VersionedInline(VersionedAdminFieldsMixin):
    """For an inline of a `Versioned` model: each row carries its version (formsets save only changed rows)."""

    def get_formset(self, request, obj=None, **kwargs):
        if "fields" in kwargs and kwargs["fields"] is None:
            return super().get_formset(request, obj, **kwargs)  # Django asking which fields the form has
        formset = super().get_formset(request, obj, **self.form_kwargs_without_version(request, obj, kwargs))
        formset.form = version_checked(formset.form)
        return formset
