"""The admin's version history: to read, never to restore, and only of what the user may see.

django-simple-history's version page saves a POSTed old version after checking nothing but the view
permission (SIMPLE_HISTORY_REVERT_DISABLED only hides the button), and its list falls back to the stored
versions of objects the user's change list leaves out. Every admin with history in every app uses this base;
corrections go through the change form, where permissions and read-only fields apply.
"""

import itertools

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.utils import flatatt
from django.http import Http404, HttpResponseNotAllowed
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

READ_ONLY_METHODS = ("GET", "HEAD")


def history_manager(model):
    """The manager of `model`'s stored versions; a proxy (the moderation queue) has its concrete model's."""
    concrete = model._meta.concrete_model
    return getattr(concrete, concrete._meta.simple_history_manager_attribute)


def tracked_field_names(model):
    """What a stored version really holds: fields left out of the history would show defaults, not facts."""
    historical = history_manager(model).model
    return {field.name for field in historical.tracked_fields} | {
        field.name for field in getattr(historical, "_history_m2m_fields", [])
    }


class DirectSelect(forms.Select):
    """A select written directly, with the markup of Django's templates: an editable change-list column draws one
    per row, and through the widget templates 100 of them cost most of the page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, group_options, _index in widget["optgroups"]:
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((option["value"], flatatt(option["attrs"]), option["label"]) for option in group_options),
            )
            if group_name:
                options = format_html('<optgroup label="{}">{}</optgroup>', group_name, options)
            groups.append((options,))
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", groups),
        )


class CheapActionCheckbox:
    """Each change-list row's checkbox written directly: through the widget templates, 100 rows cost more than the
    rest of the page. The same markup Django's CheckboxInput gives. Editable choice columns likewise."""

    def get_changelist_formset(self, request, **kwargs):
        # Named by their column (stock list_editable selects have no label: axe "select-name", critical).
        widgets = {
            name: DirectSelect(attrs={"aria-label": capfirst(self.opts.get_field(name).verbose_name)})
            for name in self.list_editable
            if getattr(self.opts.get_field(name), "choices", None)
        }
        return super().get_changelist_formset(request, **{"widgets": widgets, **kwargs})

    def action_checkbox(self, obj):
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )


class HistoryAdmin(CheapActionCheckbox, SimpleHistoryAdmin):
    def get_queryset(self, request):
        """What the model's `visible_to` lets this user see, as on the site; an admin may narrow it further."""
        return super().get_queryset(request).visible_to(request.user)

    def revert_disabled(self, request, obj=None):
        return True

    def read_only_response(self):
        message = _("The history is read-only: no version is restored from it. Correct the record in its change form.")
        return HttpResponseNotAllowed(READ_ONLY_METHODS, content=message, content_type="text/plain; charset=utf-8")

    def visible_object(self, request, object_id):
        """The object as the change form finds it (404 when the change list leaves it out, 403 when out of reach)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if not self.get_queryset(request).filter(pk=obj.pk).exists():
            raise Http404  # an admin whose get_object looks beyond its change list still shows only what it lists
        return obj

    def visible_history(self, request, obj):
        """The object's stored versions the user may read; an admin whose objects may hide something narrows it."""
        return self.get_history_queryset(request, history_manager(self.model), self.opts.pk.attname, obj.pk)

    def get_history_fieldsets(self, request, obj):
        """The change form's fieldsets; an admin editing through form-only fields names the stored ones here."""
        return self.get_fieldsets(request, obj)

    def history_fieldsets(self, request, obj):
        """The fieldsets the user sees in the change form, with only the fields a stored version holds."""
        tracked = tracked_field_names(self.model)
        fieldsets = []
        for name, options in self.get_history_fieldsets(request, obj):
            fields = [field for field in flatten_fieldsets([(name, options)]) if field in tracked]
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def history_view(self, request, object_id, extra_context=None):
        if request.method not in READ_ONLY_METHODS:
            return self.read_only_response()
        request.current_app = self.admin_site.name
        obj = self.visible_object(request, object_id)
        records = self.visible_history(request, obj)
        paginator = Paginator(records, self.history_list_per_page)
        page_obj = paginator.get_page(request.GET.get(PAGE_VAR))
        shown = set(flatten_fieldsets(self.history_fieldsets(request, obj)))
        self.set_visible_delta_changes(request, page_obj, hidden=tracked_field_names(self.model) - shown)
        user_opts = self.content_type_model_cls.objects.get_for_model(get_user_model())
        context = {
            **self.admin_site.each_context(request),
            "title": self.history_view_title(request, obj),
            "object_history_list_template": self.object_history_list_template,
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "page_var": PAGE_VAR,
            "pagination_required": paginator.count > self.history_list_per_page,
            "module_name": capfirst(str(self.opts.verbose_name_plural)),
            "object": obj,
            "app_label": self.opts.app_label,
            "opts": self.opts,
            "admin_user_view": f"admin:{user_opts.app_label}_{user_opts.model}_change",
            "history_list_display": [],
            "revert_disabled": True,
            **(extra_context or {}),
        }
        return self.render_history_view(request, self.object_history_template, context)

    def set_visible_delta_changes(self, request, page_obj, *, hidden):
        """Each version's changes from the one before, leaving out the fields the user's form does not show."""
        records = list(page_obj)  # a Page keeps the list it builds, so the template shows these very records
        for newer, older in itertools.pairwise(records):
            delta = newer.diff_against(older, excluded_fields=hidden, foreign_keys_are_objs=True)
            helper = self.get_historical_record_context_helper(request, newer)
            newer.history_delta_changes = helper.context_for_delta_changes(delta)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in READ_ONLY_METHODS:
            return self.read_only_response()
        request.current_app = self.admin_site.name
        obj = self.visible_object(request, object_id)
        try:
            record = self.visible_history(request, obj).filter(history_id=version_id).first()
        except (ValidationError, ValueError):
            record = None
        if record is None:
            raise Http404
        version = record.instance
        version._state.adding = False
        fieldsets = self.history_fieldsets(request, version)
        form = self.get_form(request, version, change=True, fields=[])(instance=version)
        admin_form = helpers.AdminForm(form, fieldsets, {}, flatten_fieldsets(fieldsets), model_admin=self)
        url_names = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": self.history_form_view_title(request, version),
            "adminform": admin_form,
            "object_id": obj.pk,
            "original": version,
            "is_popup": False,
            "media": self.media + admin_form.media,
            "errors": [],
            "app_label": self.opts.app_label,
            "original_opts": self.opts,
            "changelist_url": reverse(f"{url_names}_changelist"),
            "change_url": reverse(f"{url_names}_change", args=[obj.pk]),
            "history_url": reverse(f"{url_names}_history", args=[obj.pk]),
            "change_history": False,
            "revert_disabled": True,
            "add": False,
            "change": True,
            "has_add_permission": False,
            "has_view_permission": True,
            "has_change_permission": False,
            "has_delete_permission": False,
            "has_editable_inline_admin_formsets": False,
            "has_file_field": False,
            "has_absolute_url": False,
            "form_url": "",
            "opts": self.opts,
            "content_type_id": self.content_type_model_cls.objects.get_for_model(self.model).id,
            "save_as": False,
            "save_on_top": False,
            **(extra_context or {}),
        }
        return self.render_history_view(request, self.object_history_form_template, context)
