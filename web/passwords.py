"""A password validator for what Django's own four let through: a guessable word with digits or
symbols around it (`Summer2026`, `helpdesk2026`, `Acme2026!`), the first thing a guesser tries.

Listed in AUTH_PASSWORD_VALIDATORS, so it applies wherever a password is set: the API's user
creation (services/accounts.py), the admin's user forms, the password change and reset pages and
`manage.py changepassword`. The word is what remains once the digits, punctuation and spaces at
either end are taken off (and those inside, for `acme-corp`); it is refused when it is one of
Django's 20,000 common passwords (CommonPasswordValidator's list checks only the whole password),
the product's name, a season or a month, or a word of an organization's name.
"""

import re
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.db.models import Q

from cases.models import Organization

# Digits, punctuation, symbols and spaces: what people put around a word to pass the rules.
_AROUND = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_INSIDE = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W\d_]{3,}")
SEASONS = ("spring", "summer", "autumn", "fall", "winter")
MONTHS = (
    *("january", "february", "march", "april", "may", "june", "july", "august"),
    *("september", "october", "november", "december"),
    *("jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
)
SEASONS_AND_MONTHS = frozenset((*SEASONS, *MONTHS))
ADVICE = "Choose something less predictable, such as a few unrelated words."


class GuessableWordValidator:
    def __init__(self, product_names: tuple[str, ...] | list[str] = ("helpdesk",)) -> None:
        self.product_names = frozenset(_squashed(name) for name in product_names)
        self._common = CommonPasswordValidator()

    def validate(self, password: str, user: Any = None) -> None:
        words = _cores(password)
        if not words:
            return  # digits and symbols only: NumericPasswordValidator and the length judge it
        if words & self.product_names:
            self._refuse("the name of this product")
        if words & SEASONS_AND_MONTHS:
            self._refuse("a season or a month")
        if words & self._common.passwords:
            self._refuse("a common word or password")
        if any(_names_an_organization(word) for word in words):
            self._refuse("the name of an organization")

    @staticmethod
    def _refuse(what: str) -> None:
        raise ValidationError(
            f"This password is {what} with numbers or symbols around it, which is among the "
            f"first guesses anyone tries. {ADVICE}",
            code="password_guessable_word",
        )

    def get_help_text(self) -> str:
        return (
            "Your password can't be a common word, a season or month, the product's name or an "
            "organization's name with numbers or symbols around it."
        )


def _squashed(text: str) -> str:
    return _INSIDE.sub("", text.casefold())


def _cores(password: str) -> set[str]:
    """The word of `password`: without what surrounds it, and also without what separates its
    parts (`acme-corp` → `acmecorp`); nothing when no letter is left."""
    core = _AROUND.sub("", password.casefold())
    if not any(character.isalpha() for character in core):
        return set()
    return {core, _INSIDE.sub("", core)}


def _names_an_organization(word: str) -> bool:
    """Whether `word` is a word of an organization's name (`acme` of "Acme Corp"), or the whole
    name run together (`acmecorp`)."""
    if len(word) < 3:
        return False
    # A word of the name is in it; the name run together starts like it.
    candidates = Q(name__icontains=word[:40]) | Q(name__istartswith=word[:3])
    names = Organization.objects.filter(candidates).values_list("name", flat=True)
    for name in names[:200]:
        folded = name.casefold()
        if word == _squashed(folded) or word in _WORD.findall(folded):
            return True
    return False
