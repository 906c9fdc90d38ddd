"""What every viewset of the exams API shares: scoped primary keys, read-only serializers, the 404 of
a row outside the user's scope, and the list-or-create shape of a session's sub-resources.

Writes are service calls; their Django errors become 400/403/404 with the Chinese message in
appraisal.errors (the API's exception handler; a model's `not_found_message` names the 404)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up only among the rows `scope(user)` returns: another center's rows
    do not exist for this user."""

    def __init__(self, scope, model, **kwargs):
        self.scope, self.model = scope, model
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:  # schema generation
            return self.model.objects.none()
        return self.scope(request.user)


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    """Every field read-only: the API writes through the services, never through a serializer."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        meta = cls.__dict__.get("Meta")
        if meta is not None and hasattr(meta, "fields"):
            meta.read_only_fields = meta.fields


def display(field: str) -> serializers.CharField:
    """The label of a choice field, e.g. `subject_display = display("subject")`."""
    return serializers.CharField(source=f"get_{field}_display", read_only=True)


def label(source: str) -> serializers.CharField:
    """A read-only text taken from a related row, e.g. `name = label("application.name")`."""
    return serializers.CharField(source=source, read_only=True)


def scoped_get(queryset, pk):
    """The row `pk` of a scoped queryset; its model's DoesNotExist (the API's 404 with the model's
    message) when it is not there or `pk` is not a key."""
    try:
        return queryset.get(pk=pk)
    except (ValueError, TypeError, DjangoValidationError) as exc:
        raise queryset.model.DoesNotExist from exc


class ScopedObjectMixin:
    """A row outside the user's scope does not exist for them: the model's 404 message."""

    def get_object(self):
        try:
            return super().get_object()
        except Http404 as exc:
            raise self.get_queryset().model.DoesNotExist from exc

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _list_or_create(self, request, *, listing, output, payload, write):
        """GET lists `listing()`; POST calls `write(actor=..., **payload)` and answers 201 with it."""
        if request.method == "GET":
            return Response(output(listing(), many=True).data)
        created = write(actor=request.user, **self._input(payload))
        return Response(output(created).data, status=status.HTTP_201_CREATED)


class ScopedReadViewSet(ScopedObjectMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and retrieve only; writes are explicit service calls."""
