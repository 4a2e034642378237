"""A faster `to_representation` for the published serializers: the same output as DRF's, cheaper per record.

DRF's `Serializer.to_representation` pays, for every field of every record, for work that depends only on the
serializer: `is_simple_callable` runs `inspect.signature` on each method a field reads (`get_absolute_url`,
`source_list`, ...), a many-to-many field builds a related manager to reach the prefetched rows, and a hyperlinked
field resolves its URL pattern with `reverse()`. A list of 50 commitments spent most of its time there (issue 14).

`FastRepresentation` plans the work once per serializer instance (once per request or download: a list's child
serializer serves every record) and then, per record, only reads attributes and formats values:

- a field that reads its source with DRF's plain `get_attribute` reads the same attribute chain, with the
  callable check remembered per function (a method's signature does not change between records);
- a many-to-many field whose rows were prefetched reads them without building a related manager per record:
  the plain list `prefetched()` leaves on each instance, or the prefetch cache that `manager.all()` returns;
- a hyperlinked field reverses its URL once, with a placeholder for the lookup value, and fills it in per record
  when the value needs no quoting (letters, digits, `-` and `_`); any other value goes through DRF;
- the public page's address (a `PageField` given the `route` its model's `get_absolute_url` reverses) likewise,
  instead of one `get_absolute_url()` and `build_absolute_uri()` per record;
- a slug of a foreign key (`SlugRelatedField`) reads the value `related_value()` annotated on the row, without
  joining and building the related row per record.

Anything else, and any record for which the fast reading raises, goes through the field's own `get_attribute` and
`to_representation`, so errors and defaults are DRF's. tests/opendata/test_representation.py compares both on
every dataset. The output, the OpenAPI schema and the column docs do not change; the fields are DRF's as before.
"""

import inspect
import re
from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import ForeignKey, OuterRef, Prefetch, Subquery
from django.db.models.fields.related_descriptors import ManyToManyDescriptor
from django.db.models.manager import BaseManager
from django.urls import NoReverseMatch
from django.urls import reverse as django_reverse
from rest_framework.fields import Field, SkipField, is_simple_callable
from rest_framework.relations import (
    Hyperlink,
    HyperlinkedRelatedField,
    ManyRelatedField,
    PKOnlyObject,
    RelatedField,
    SlugRelatedField,
)
from rest_framework.reverse import reverse as drf_reverse

# What a lookup value may contain to be put in a reversed URL as it is: `reverse()` quotes nothing of it, and the
# router's lookup pattern (`[^/.]+`, tests/opendata/test_representation.py checks it) matches it.
PLAIN_VALUE = re.compile(r"[A-Za-z0-9_-]+")
PLACEHOLDER = "LookupValue0Placeholder"

# Where `prefetched()` puts a relation's rows on each instance.
PREFETCHED = "_published_{}"

_simple_callables = {}
_mapping_types = {}


def _is_mapping(value):
    """isinstance(value, Mapping), remembered per class (an ABC check costs more than reading the attribute)."""
    cls = type(value)
    if cls is not value.__class__:  # a proxy (a lazy object): ask isinstance
        return isinstance(value, Mapping)
    result = _mapping_types.get(cls)
    if result is None:
        result = _mapping_types[cls] = issubclass(cls, Mapping)
    return result


def _is_simple_callable(value):
    """DRF's `is_simple_callable`, remembered per function for functions and bound methods."""
    if inspect.ismethod(value):
        key = (value.__func__, True)
    elif inspect.isfunction(value):
        key = (value, False)
    else:
        return is_simple_callable(value)
    result = _simple_callables.get(key)
    if result is None:
        result = _simple_callables[key] = is_simple_callable(value)
    return result


def _attribute_reader(field):
    """Read `field.source_attrs` as DRF's `fields.get_attribute` does; anything unusual goes through the field.

    `mapping` says whether the record is a Mapping (asked once per record, not once per field).
    """
    attrs = tuple(field.source_attrs)
    fallback = field.get_attribute

    def read(instance, mapping):
        value = instance
        for index, attr in enumerate(attrs):
            if index:
                mapping = _is_mapping(value)
            try:
                value = value[attr] if mapping else getattr(value, attr)
            except ObjectDoesNotExist:
                return None
            except (KeyError, AttributeError):
                return fallback(instance)  # DRF's default, SkipField or error message
            if callable(value):
                try:
                    if _is_simple_callable(value):
                        value = value()
                except Exception:
                    return fallback(instance)  # DRF raises it its own way (a ValueError, a message)
        return value

    return read


def _field_reader(field):
    get_attribute = field.get_attribute
    return lambda instance, mapping: get_attribute(instance)


def prefetched(lookup):
    """Prefetch a many-to-many relation that a published serializer shows, into a plain list on each instance.

    The same query and rows as `prefetch_related(lookup)`, without Django's related manager and filtered QuerySet
    per instance (half the cost of reading a page of commitments); the serializer reads the list (`_many_reader`).
    """
    return Prefetch(lookup, to_attr=PREFETCHED.format(lookup))


def related_value(model, lookup):
    """Annotate a foreign key's slug (`"plan__slug"`) that a published serializer shows, for `annotate(**...)`.

    A `SlugRelatedField` on that key then reads it from the row (`_slug_reader`): no related instance built per
    record. A subquery rather than a join, so that the page's `count()` (which drops unused annotations) joins
    nothing either.
    """
    relation, slug_field = lookup.split("__")
    related = model._meta.get_field(relation).related_model
    value = Subquery(related._base_manager.filter(pk=OuterRef(relation)).values(slug_field)[:1])
    return {PREFETCHED.format(f"{relation}_{slug_field}"): value}


def _drf_value(field):
    """The field's value as DRF gives it, for a reader that gives the final value (no writer)."""
    get_attribute, to_representation = field.get_attribute, field.to_representation

    def value(instance):
        attribute = get_attribute(instance)
        return None if attribute is None else to_representation(attribute)

    return value


def _slug_reader(field, model):
    """A slug of a foreign key: the value `related_value()` annotated on the row, when it is there; else DRF's."""
    attrs = field.source_attrs
    if model is None or len(attrs) != 1 or _overrides(field, SlugRelatedField, "to_representation"):
        return None
    try:
        relation = model._meta.get_field(attrs[0])
    except FieldDoesNotExist:
        return None
    if not isinstance(relation, ForeignKey):
        return None
    annotated = PREFETCHED.format(f"{attrs[0]}_{field.slug_field}")
    key = relation.attname
    slow = _drf_value(field)

    def read(instance, mapping):
        state = getattr(instance, "__dict__", None)
        if state is not None and annotated in state:
            value = state[annotated]
            # None only when there is no related row (a null key), as DRF gives it.
            if value is not None or (key in state and state[key] is None):
                return value
        return slow(instance)

    return read


def _page_reader(field, model):
    """The public page's address from the route reversed once, when the record is the model's and its lookup
    value needs no quoting; else DRF's (`get_absolute_url()`, then the field's `to_representation`)."""
    route = getattr(field, "route", None)
    if route is None or model is None or field.source != "get_absolute_url":
        return None
    view_name, lookup = route
    try:
        pattern = django_reverse(view_name, kwargs={lookup: PLACEHOLDER})
    except NoReverseMatch:
        return None
    request = field.context.get("request")
    if request is not None:
        pattern = field.to_representation(pattern)
    if pattern.count(PLACEHOLDER) != 1:
        return None
    before, after = pattern.split(PLACEHOLDER)
    slow = _drf_value(field)

    def read(instance, mapping):
        if type(instance) is model:
            value = instance.__dict__.get(lookup)
            if type(value) is str and PLAIN_VALUE.fullmatch(value) is not None:
                return before + value + after
        return slow(instance)

    return read


def _many_reader(field, model):
    """A many-to-many field: the prefetched rows when there are some, else DRF's `manager.all()`."""
    fallback = field.get_attribute
    attrs = field.source_attrs
    descriptor = getattr(model, attrs[0], None) if model is not None and len(attrs) == 1 else None
    if not isinstance(descriptor, ManyToManyDescriptor) or descriptor.related_manager_cls.all is not BaseManager.all:
        return _field_reader(field)
    relation = descriptor.rel.field
    # The key under which the related manager finds its prefetched rows (related_descriptors.py).
    cache_name = relation.related_query_name() if descriptor.reverse else relation.name
    listed = PREFETCHED.format(attrs[0])

    def read(instance, mapping):
        state = getattr(instance, "__dict__", None)
        if state is not None and getattr(instance, "pk", None) is not None:
            rows = state.get(listed)
            if rows is not None:
                return rows  # prefetched(): the rows `manager.all()` would give, in their order
            cache = state.get("_prefetched_objects_cache")
            if cache is not None and cache_name in cache:
                return cache[cache_name]  # what `manager.all()` returns then
        return fallback(instance)

    return read


def _hyperlink_writer(field):
    """A hyperlinked field's URL from a pattern reversed once; DRF's `to_representation` for any other value."""
    request = field.context.get("request")
    if request is None or field.reverse is not drf_reverse:
        return field.to_representation
    format = field.context.get("format")
    if format and field.format and field.format != format:
        format = field.format
    try:
        pattern = field.reverse(
            field.view_name, kwargs={field.lookup_url_kwarg: PLACEHOLDER}, request=request, format=format
        )
    except NoReverseMatch:
        return field.to_representation
    if pattern.count(PLACEHOLDER) != 1:
        return field.to_representation
    before, after = pattern.split(PLACEHOLDER)
    lookup_field = field.lookup_field
    slow = field.to_representation

    def write(value):
        if hasattr(value, "pk") and value.pk in (None, ""):
            return None
        text = str(getattr(value, lookup_field))
        if PLAIN_VALUE.fullmatch(text) is None:
            return slow(value)
        return Hyperlink(before + text + after, value)

    return write


def _overrides(field, cls, name):
    return getattr(type(field), name) is not getattr(cls, name)


def _final_reader(field, model):
    """A reader that gives the field's final value (its writer is then None), or None."""
    if isinstance(field, SlugRelatedField):
        if not _overrides(field, RelatedField, "get_attribute"):
            return _slug_reader(field, model)
    elif getattr(field, "route", None) is not None and not _overrides(field, Field, "get_attribute"):
        return _page_reader(field, model)
    return None


def _reader(field, model):
    if isinstance(field, ManyRelatedField):
        if _overrides(field, ManyRelatedField, "get_attribute"):
            return _field_reader(field)
        return _many_reader(field, model)
    if isinstance(field, RelatedField):
        # RelatedField reads like any field unless it only needs the primary key (then it is cheap already).
        if _overrides(field, RelatedField, "get_attribute") or field.use_pk_only_optimization():
            return _field_reader(field)
        return _attribute_reader(field)
    if _overrides(field, Field, "get_attribute"):
        return _field_reader(field)
    return _attribute_reader(field)


def _writer(field):
    if (
        isinstance(field, HyperlinkedRelatedField)
        and not _overrides(field, HyperlinkedRelatedField, "to_representation")
        and not _overrides(field, HyperlinkedRelatedField, "get_url")
    ):
        return _hyperlink_writer(field)
    return field.to_representation


# Mixed into a Serializer before DRF's class: `to_representation` with the work planned once per instance. No
# docstring: drf-spectacular describes each serializer with the first docstring of its classes above DRF's.
class FastRepresentation:
    def _representation_plan(self):
        plan = self.__dict__.get("_fast_plan")
        if plan is None:
            model = getattr(getattr(self, "Meta", None), "model", None)
            plan = self._fast_plan = []
            for field in self._readable_fields:
                final = _final_reader(field, model)
                if final is not None:
                    plan.append((field.field_name, final, None))
                else:
                    plan.append((field.field_name, _reader(field, model), _writer(field)))
        return plan

    def to_representation(self, instance):
        ret = {}
        mapping = _is_mapping(instance)
        for name, read, write in self._representation_plan():
            try:
                attribute = read(instance, mapping)
            except SkipField:
                continue
            # As DRF: None is null without asking the field; a primary-key-only relation is None by its pk.
            if write is None:  # the reader gave the final value
                ret[name] = attribute
                continue
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            ret[name] = None if check_for_none is None else write(attribute)
        return ret
