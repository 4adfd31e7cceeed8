"""Cases and everything done to one: edits, deletes, comments, attachments, history, transitions,
follow-ups, surveys and notifications. Each action looks the case up through `cases_visible_to`
(404), validates the body's shape and hands the decision to one service."""

from typing import Any

from django.conf import settings
from django.db.models import QuerySet, prefetch_related_objects
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from api.filters import CaseFilter, CaseSearchFilter
from api.permissions import acting_user
from api.serializers.attachments import AttachmentSerializer, AttachmentUploadSerializer
from api.serializers.cases import (
    CaseCreateSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    RepeatSerializer,
    TransitionPayloadSerializer,
)
from api.serializers.conversation import (
    CommentSerializer,
    HistoryEntrySerializer,
    NotificationSerializer,
    PostedCommentSerializer,
)
from api.serializers.fields import ID_PATTERN, TRANSITION_CHOICES
from api.serializers.follow_up import SurveySerializer
from cases.errors import NotVisible
from cases.models import Case, MessageChannel
from cases.search import SEARCHED_FIELDS
from cases.selectors import (
    case_attachments_prefetch,
    cases_visible_to,
    comment_attachments_prefetch,
    comments_visible_to,
    visible_case,
)
from notifications.selectors import notifications_of_case
from services.attachments import attachment_add
from services.cases import case_create, case_delete, case_repeat, case_restore, case_update
from services.conversation import comment_post
from services.surveys import survey_submit
from workflows.timers import upcoming_prefetch, with_upcoming
from workflows.transitions import perform_transition

ERRORS = {
    400: OpenApiResponse(description="Invalid input: `detail` and a list of messages per field."),
    403: OpenApiResponse(description="The role may not do this."),
    404: OpenApiResponse(description="No such case for this user."),
    409: OpenApiResponse(
        description="Not possible in the case's current status: `detail`, `status` and "
        "`available_transitions`."
    ),
}


MAX_SIZE_TEXT = f"{settings.ATTACHMENTS_MAX_SIZE / 2**20:g} MiB"


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: ERRORS[code] for code in codes}


@extend_schema_view(
    list=extend_schema(summary="Cases this user may see"),
    retrieve=extend_schema(summary="One case", responses={200: CaseSerializer, **errors(404)}),
    create=extend_schema(
        summary="Open a case",
        request=CaseCreateSerializer,
        responses={201: CaseSerializer, **errors(400, 403)},
    ),
    partial_update=extend_schema(
        summary="Edit a case's fields (never its status)",
        request=CaseUpdateSerializer,
        responses={200: CaseSerializer, **errors(400, 403, 404, 409)},
    ),
    destroy=extend_schema(
        summary="Soft-delete a case (customer_service)",
        responses={204: None, **errors(403, 404, 409)},
    ),
)
class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Case],
):
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    filter_backends = (DjangoFilterBackend, CaseSearchFilter, filters.OrderingFilter)
    search_fields = SEARCHED_FIELDS
    ordering_fields = ("created_at", "updated_at", "priority", "status_changed_at")
    ordering = ("-created_at", "-id")
    http_method_names = ("get", "post", "patch", "delete", "head", "options")
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Case]:
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        user = acting_user(self.request)
        return with_upcoming(cases_visible_to(user)).prefetch_related(
            case_attachments_prefetch(user)
        )

    def get_object(self) -> Case:
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except Case.DoesNotExist:
            raise NotVisible("No such case.") from None

    def _payload(self, serializer_class: type[Serializer[Any]], pk: str) -> dict[str, Any]:
        """The body's shape, checked. A body that fails it about a case this user may not see
        answers 404, as every refusal puts 404 first; only this refusal path reads the case
        (the service reads it, once, otherwise)."""
        serializer = serializer_class(data=self.request.data)
        if not serializer.is_valid():
            visible_case(acting_user(self.request), pk)
            raise ValidationError(serializer.errors)
        return dict(serializer.validated_data)

    def _answer(self, case: Case, code: int = status.HTTP_200_OK) -> Response:
        """The case a service returned (read once, with its queue, under its lock), with the
        outbox rows `upcoming` reads and its own files."""
        prefetch_related_objects(
            [case], upcoming_prefetch(), case_attachments_prefetch(acting_user(self.request))
        )
        return Response(self.get_serializer(case).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = case_create(actor=acting_user(request), **serializer.validated_data)
        return self._answer(case, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        changes = self._payload(CaseUpdateSerializer, kwargs["pk"])
        # The contract's name for the version the client saw; the door calls it `seen`.
        seen = changes.pop("expected_updated_at", None)
        if isinstance(request.data, dict) and "status" in request.data:
            changes["status"] = request.data["status"]  # refused by the service: 400
        case = case_update(
            case_id=int(kwargs["pk"]),
            actor=acting_user(request),
            changes=changes,
            seen=seen,
        )
        return self._answer(case)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case_delete(case_id=int(kwargs["pk"]), actor=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Restore a soft-deleted case (managers)",
        request=None,
        responses={200: CaseSerializer, **errors(403, 404, 409)},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def restore(self, request: Request, pk: str, format: str | None = None) -> Response:
        case = case_restore(case_id=int(pk), actor=acting_user(request))
        return self._answer(case)

    @extend_schema(
        methods=["GET"],
        summary="The conversation, oldest first",
        responses=CommentSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Post a public reply or an internal note",
        request=CommentSerializer,
        responses={201: PostedCommentSerializer, **errors(400, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def comments(self, request: Request, pk: str, format: str | None = None) -> Response:
        context = self.get_serializer_context()
        if request.method == "GET":
            user = acting_user(request)
            comments = comments_visible_to(user, visible_case(user, pk))
            comments = comments.prefetch_related(comment_attachments_prefetch(user))
            return Response(CommentSerializer(comments, many=True, context=context).data)
        payload = self._payload(CommentSerializer, pk)
        comment = comment_post(
            case_id=int(pk), actor=acting_user(request), channel=MessageChannel.API, **payload
        )
        return Response(
            PostedCommentSerializer(comment, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Attach a file to the case, or to one of your messages on it",
        description="Who may reply to the case may attach files to it; the file goes to the "
        "case itself unless `comment` names one of your messages on it. Files are downloaded "
        "from their `url` (GET /api/attachments/{id}/).",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={
            201: AttachmentSerializer,
            **errors(400, 404, 409),
            413: OpenApiResponse(description=f"The file is larger than {MAX_SIZE_TEXT}."),
            415: OpenApiResponse(description="The body is not multipart/form-data."),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser],
        pagination_class=None,
        filter_backends=[],
    )
    def attachments(self, request: Request, pk: str, format: str | None = None) -> Response:
        payload = self._payload(AttachmentUploadSerializer, pk)
        attachment = attachment_add(
            case_id=int(pk),
            actor=acting_user(request),
            file=payload["file"],
            comment_id=payload.get("comment"),
        )
        return Response(
            AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Status history, oldest first", responses={200: HistoryEntrySerializer(many=True)}
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request: Request, pk: str, format: str | None = None) -> Response:
        case = visible_case(acting_user(request), pk)
        entries = case.history.order_by("created_at", "id")
        return Response(
            HistoryEntrySerializer(entries, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Perform a transition",
        description="Payload fields as the workflow needs (see /api/workflows/).",
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=TRANSITION_CHOICES)],
        request=TransitionPayloadSerializer,
        responses={200: CaseSerializer, **errors(400, 403, 404, 409)},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<name>[^/]+)",
        filter_backends=[],
    )
    def transition(
        self, request: Request, pk: str, name: str, format: str | None = None
    ) -> Response:
        payload = self._payload(TransitionPayloadSerializer, pk)
        seen = payload.pop("expected_updated_at", None)
        case = perform_transition(
            case_id=int(pk),
            name=name,
            actor=acting_user(request),
            seen=seen,
            channel=MessageChannel.API,
            **payload,
        )
        return self._answer(case)

    @extend_schema(
        summary="Open a repeat (clone) of a closed case",
        request=RepeatSerializer,
        responses={201: CaseSerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def repeat(self, request: Request, pk: str, format: str | None = None) -> Response:
        payload = self._payload(RepeatSerializer, pk)
        case = case_repeat(case_id=int(pk), actor=acting_user(request), **payload)
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Answer the satisfaction survey",
        request=SurveySerializer,
        responses={201: SurveySerializer, **errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def survey(self, request: Request, pk: str, format: str | None = None) -> Response:
        payload = self._payload(SurveySerializer, pk)
        survey = survey_submit(case_id=int(pk), actor=acting_user(request), **payload)
        return Response(SurveySerializer(survey).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Notifications about this case (agents, managers)",
        responses={200: NotificationSerializer(many=True), **errors(403, 404)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def notifications(self, request: Request, pk: str, format: str | None = None) -> Response:
        # Visibility first: a customer learns nothing of a case they may not see (404).
        user = acting_user(request)
        rows = notifications_of_case(user, visible_case(user, pk))
        return Response(NotificationSerializer(rows, many=True).data)
