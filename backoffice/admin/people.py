"""People and organizations for managers: who someone is, their role and organization, whether
they may sign in, and a button that emails them a link to choose a new password. Django's
permission machinery (staff and superuser flags, groups, model permissions) is not the helpdesk's:
roles decide, so only superusers see it, folded away."""

from functools import partial
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from backoffice.access import ManagerPermissions, is_superuser
from backoffice.admin.base import STYLESHEET, FieldSets, HelpdeskAdmin
from backoffice.password_links import refusal, send_password_link
from backoffice.people import person_label
from backoffice.person_forms import NewPersonForm, PersonForm
from cases.errors import InvalidInput
from cases.models import Organization, User
from services.accounts import email_undeliverable_clear
from services.email_settings import DOMAINS_FIELD, domains_in_text, email_domains_cleaned

TECHNICAL = (
    "password",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
    "time_zone",
    "last_login",
    "date_joined",
)


@admin.register(User)
class PersonAdmin(ManagerPermissions, UserAdmin[User]):
    form = PersonForm
    add_form = NewPersonForm
    add_form_template = "backoffice/person_add_form.html"
    change_form_template = "backoffice/person_change_form.html"
    list_display = ("name", "username", "email", "role", "organization", "is_active")
    list_filter = ("role", "is_active", "organization")
    list_select_related = ("organization",)
    search_fields = ("first_name", "last_name", "username", "email", "organization__name")
    ordering = User.BY_NAME
    fieldsets = (
        (None, {"fields": ("first_name", "last_name", "email", "username")}),
        (
            "What they may do",
            {
                "fields": ("role", "organization", "is_active"),
                "description": "What they see and may do. A customer of an organization sees "
                "every case of it.",
            },
        ),
        (
            "Mail delivery",
            {
                "fields": ("email_delivery",),
                "description": "Whether mail reaches them. An address is marked undeliverable "
                "when mail to it bounces; nothing is sent to it until they write again or "
                "“Clear undeliverable” at the top of the page is used.",
            },
        ),
        (
            "Signing in",
            {
                "fields": ("password_state",),
                "description": "Nobody but them knows their password. If they forgot it, or "
                "never chose one, “Send password reset link” at the top of the page emails them "
                "a link to choose a new one.",
            },
        ),
    )
    add_fieldsets = (
        (None, {"fields": ("first_name", "last_name", "email", "username")}),
        ("What they may do", {"fields": ("role", "organization")}),
        ("Signing in", {"fields": ("password1", "password2")}),
    )
    readonly_fields = ("password_state", "email_delivery", "last_login", "date_joined")
    actions = ("clear_undeliverable",)

    class Media:
        css: ClassVar[dict[str, tuple[str, ...]]] = {"all": (STYLESHEET,)}

    @admin.display(description="name", ordering="first_name")
    def name(self, person: User) -> str:
        return person.display_name

    @admin.display(description="password")
    def password_state(self, person: User) -> str:
        if not person.has_usable_password():
            return "None yet: they cannot sign in until they choose one."
        return "Set, and known to them alone."

    @admin.display(description="mail delivery")
    def email_delivery(self, person: User) -> str:
        return undeliverable_note(person) or "Delivered: no bounce since they last wrote."

    @admin.action(description="Clear undeliverable (send email to them again)")
    def clear_undeliverable(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        marked = [
            person
            for person in queryset.filter(email_undeliverable_since__isnull=False)
            if self.has_change_permission(request, person)
        ]
        for person in marked:
            email_undeliverable_clear(actor=cast(User, request.user), person_id=person.pk)
        self.message_user(request, f"{len(marked)} address(es) will receive email again.")

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: User | None = None,
    ) -> HttpResponse:
        if obj is not None:  # the page is titled by who they are, not by their username alone
            context["subtitle"] = person_label(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> FieldSets:
        fieldsets: FieldSets = [*super().get_fieldsets(request, obj)]
        if obj is not None and is_superuser(request.user):
            fieldsets.append(
                (
                    "Technical (superusers only)",
                    {
                        "classes": ("collapse",),
                        "fields": TECHNICAL,
                        "description": "Django's own flags and permissions. The helpdesk goes "
                        "by the role above; a superuser is a manager whatever their role.",
                    },
                )
            )
        return fieldsets

    def get_list_filter(self, request: HttpRequest) -> tuple[Any, ...]:
        if is_superuser(request.user):
            return ("role", "is_active", UndeliverableFilter, "is_superuser", "organization")
        return ("role", "is_active", UndeliverableFilter, "organization")

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # A manager who could change a superuser's email, then send them a password link, would
        # become that superuser: superusers are changed by superusers only.
        if obj is not None and obj.is_superuser and not is_superuser(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not is_superuser(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self) -> list[URLPattern]:
        routes = [
            path(
                "<path:object_id>/send-password-link/",
                self.admin_site.admin_view(require_POST(partial(_send_password_link_view, self))),
                name="cases_user_send_password_link",
            ),
            path(
                "<path:object_id>/clear-undeliverable/",
                self.admin_site.admin_view(require_POST(partial(_clear_undeliverable_view, self))),
                name="cases_user_clear_undeliverable",
            ),
        ]
        return [*routes, *super().get_urls()]

    def response_add(
        self, request: HttpRequest, obj: User, post_url_continue: str | None = None
    ) -> HttpResponse:
        # Added without a password (`NewPersonForm`): they choose their own.
        if not obj.has_usable_password():
            # After the commit: a link to an account that was not saved would lead nowhere.
            transaction.on_commit(partial(send_password_link, obj))
            self.message_user(
                request,
                f"{obj.display_name} has no password yet: an email with a link to choose one "
                f"is on its way to {obj.email}.",
                messages.SUCCESS,
            )
        return super().response_add(request, obj, post_url_continue)


def _send_password_link_view(
    model_admin: PersonAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    person = model_admin.get_object(request, object_id)
    if person is None:
        raise Http404("No such person.")
    if not model_admin.has_change_permission(request, person):
        raise PermissionDenied
    change_url = reverse("admin:cases_user_change", args=[person.pk])
    refused = refusal(person)
    if refused:
        model_admin.message_user(request, f"No link sent: {refused}", messages.ERROR)
    else:
        send_password_link(person)
        model_admin.message_user(
            request,
            f"A link to choose a new password went to {person.email}. Their password stays as "
            "it is until they use it.",
            messages.SUCCESS,
        )
    return HttpResponseRedirect(change_url)


class OrganizationForm(forms.ModelForm[Organization]):
    """`email_domains` typed as text, one domain a line (or separated by commas), checked by
    `services.email_settings` as the API checks it."""

    email_domains = forms.CharField(
        label="Email domains",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        help_text="One a line, e.g. acme.example. Someone the helpdesk does not know who "
        "writes to a queue's address from one of these domains becomes a customer of this "
        "organization, and their message a case. Public mail services (gmail.com…) are refused.",
    )

    class Meta:
        model = Organization
        fields = ("name", "email_domains")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["email_domains"] = "\n".join(self.instance.email_domains or ())

    def clean_email_domains(self) -> list[str]:
        typed = domains_in_text(self.cleaned_data.get("email_domains") or "")
        try:
            return email_domains_cleaned(typed, organization_id=self.instance.pk)
        except InvalidInput as error:
            raise forms.ValidationError(error.errors[DOMAINS_FIELD]) from None


def undeliverable_note(person: User) -> str:
    """ "Email undeliverable since … (reason)", or "" when mail reaches them."""
    since = person.email_undeliverable_since
    if since is None:
        return ""
    reason = f" ({person.email_undeliverable_reason})" if person.email_undeliverable_reason else ""
    return f"Email undeliverable since {timezone.localtime(since):%Y-%m-%d %H:%M}{reason}."


class UndeliverableFilter(admin.SimpleListFilter):
    title = "email delivery"
    parameter_name = "email"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("undeliverable", "Undeliverable")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() == "undeliverable":
            return queryset.filter(email_undeliverable_since__isnull=False)
        return queryset


def _clear_undeliverable_view(
    model_admin: PersonAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    person = model_admin.get_object(request, object_id)
    if person is None:
        raise Http404("No such person.")
    if not model_admin.has_change_permission(request, person):
        raise PermissionDenied
    if person.email_undeliverable_since is None:
        model_admin.message_user(request, f"Email already reaches {person.email}.", messages.INFO)
    else:
        email_undeliverable_clear(actor=cast(User, request.user), person_id=person.pk)
        model_admin.message_user(
            request,
            f"{person.email} will receive email again. If it bounces again, it is marked again.",
            messages.SUCCESS,
        )
    return HttpResponseRedirect(reverse("admin:cases_user_change", args=[person.pk]))


@admin.register(Organization)
class OrganizationAdmin(HelpdeskAdmin[Organization]):
    form = OrganizationForm
    list_display = ("name", "domains", "people", "created_at")
    list_select_related = ()  # an organization's row names nothing of another table
    search_fields = ("name",)

    @admin.display(description="email domains")
    def domains(self, organization: Organization) -> str:
        return ", ".join(organization.email_domains or ()) or "—"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return super().get_queryset(request).annotate(people_count=Count("members"))

    @admin.display(description="people", ordering="people_count")
    def people(self, organization: Organization) -> SafeString:
        count = getattr(organization, "people_count", 0)
        url = reverse("admin:cases_user_changelist")
        return format_html(
            '<a href="{}?organization__id__exact={}">{} {}</a>',
            url,
            organization.pk,
            count,
            "person" if count == 1 else "people",
        )
