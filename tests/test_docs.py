"""The documentation in the repository stays true: docs/workflows.md is what the code enforces,
docs/api.md names only endpoints the API serves, and no page sends readers outside the repository
(a clone has nothing beside it)."""

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
REGENERATE = "python manage.py show_workflows --format markdown > docs/workflows.md"
# [text](target): the target up to a closing parenthesis or a space (a title may follow).
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)[^)]*\)")
# A row of an endpoint table: | METHOD | `/api/path/` | ...
ENDPOINT = re.compile(r"^\| (GET|POST|PATCH|PUT|DELETE) \| `(/api/[^`]*)` \|", re.M)


def test_docs_workflows_md_is_what_show_workflows_prints() -> None:
    out = StringIO()
    call_command("show_workflows", "--format", "markdown", stdout=out)
    committed = (ROOT / "docs" / "workflows.md").read_text()
    assert committed == out.getvalue(), f"docs/workflows.md is out of date: run `{REGENERATE}`"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_no_page_sends_readers_outside_the_repository(page: Path) -> None:
    text = page.read_text()
    assert "../shared" not in text
    assert "/work/" not in text


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_leads_to_a_file_of_the_repository(page: Path) -> None:
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:|#", target):
            continue  # a URL, or a heading of the same page
        linked = (page.parent / target.split("#")[0]).resolve()
        assert linked.is_relative_to(ROOT), f"{page.name}: {target} is outside the repository"
        assert linked.exists(), f"{page.name}: {target} does not exist"


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return schema


def test_docs_api_md_names_only_endpoints_the_api_serves() -> None:
    documented = ENDPOINT.findall((ROOT / "docs" / "api.md").read_text())
    assert len(documented) > 20  # the tables were read
    paths = _schema()["paths"]
    for method, path in documented:
        assert path in paths, f"docs/api.md: {method} {path} is not an endpoint"
        assert method.lower() in paths[path], f"docs/api.md: {path} does not take {method}"
