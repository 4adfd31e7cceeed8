"""The project as a whole: migrations match the models, checks pass, the right libraries."""

from importlib import metadata
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_system_checks_pass():
    call_command("check", "--fail-level", "WARNING", stdout=StringIO())


def test_the_archived_django_fsm_package_is_not_installed():
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.distribution("django-fsm")


def test_django_fsm_is_imported_from_the_maintained_django_fsm_2():
    files = {str(path) for path in metadata.distribution("django-fsm-2").files}
    assert "django_fsm/__init__.py" in files
