"""The forms of a person's admin page: adding someone (a password, or none and a link by email
to choose their own) and changing who they are and what role they hold.

Refusals show beside their fields: the model's own rules (`User.clean`: only customers belong to
an organization) run in the form's validation, and a password passes the project's validators
(AUTH_PASSWORD_VALIDATORS), its refusals under the second password field as on Django's forms.
"""

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError

from cases.models import User

LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "is_active": "Active",
}
HELP_TEXTS = {
    "username": "What they sign in with: letters, digits and @ . + - _ only.",
    "role": "Customers use the portal; agents and managers the workspace; managers also "
    "this admin.",
    "is_active": "Untick to stop them signing in, instead of deleting them: their cases and "
    "history stay as they are.",
    "email": "Where their notifications and password links go.",
}
# What a password must not resemble (UserAttributeSimilarityValidator).
SIMILAR_TO = ("username", "first_name", "last_name", "email")
NO_PASSWORD_NEEDS_EMAIL = (
    "Give an email address to send them a link to choose a password, or set a password below."
)


class NewPersonForm(forms.ModelForm[User]):
    password1 = forms.CharField(
        label="Password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Leave both password fields empty to email them a link to choose their own.",
    )
    password2 = forms.CharField(
        label="Password again",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "role", "organization")
        labels: ClassVar[dict[str, str]] = LABELS
        help_texts: ClassVar[dict[str, str]] = HELP_TEXTS

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"])
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("Someone already signs in with this username.")
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1") or "", cleaned.get("password2") or ""
        if not first and not second:
            if not cleaned.get("email") and "email" not in self.errors:
                self.add_error("email", NO_PASSWORD_NEEDS_EMAIL)
        elif first != second:
            self.add_error("password2", "The two passwords differ.")
        else:
            # The validators compare the password with who the person is.
            person = User(
                **{name: cleaned.get(name) or "" for name in SIMILAR_TO},
            )
            try:
                password_validation.validate_password(first, person)
            except ValidationError as error:
                self.add_error("password2", error)
        return cleaned

    def save(self, commit: bool = True) -> User:
        person = super().save(commit=False)
        password = self.cleaned_data.get("password1")
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        if commit:
            person.save()
        return person


class PersonForm(UserChangeForm[User]):
    class Meta(UserChangeForm.Meta):
        model = User
        labels: ClassVar[dict[str, str]] = LABELS
        help_texts: ClassVar[dict[str, str]] = HELP_TEXTS
