"""OpenAPI details that apply to every operation: the error bodies the API can answer with, and
what a path's id is."""

from typing import Any

from api.serializers.fields import ID_PATTERN, ID_SCHEMA

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
    "description": "An error; validation errors add a list of messages per field.",
}
CONFLICT = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "status": {"type": "string", "description": "The case's current status."},
        "available_transitions": {
            "type": "array",
            "items": {"type": "string"},
            "description": "What this user may do instead, now.",
        },
    },
    "required": ["detail"],
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "Invalid input: `detail`, and a list of messages per field.",
    "401": "No token, or a bad one (`WWW-Authenticate: Token`).",
    "403": "The user's role may not do this.",
    "404": "Not found, or not visible to this user.",
    "409": "Not possible in the current status: `detail`, `status`, `available_transitions`.",
    "413": "The JSON body is larger than 1 MiB.",
    "415": "The body is not JSON.",
}


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Describe, on every operation, each error answer it can give, with its body's schema."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["Conflict"] = CONFLICT
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = ["400", "403"]
            if operation.get("security") != [{}] and operation.get("operationId") != (
                "auth_token_create"
            ):
                codes.append("401")
            if "{" in path or _is_paginated(operation):
                codes.append("404")
            if method in ("post", "patch", "put", "delete"):
                codes += ["409"]
            if method in ("post", "patch", "put"):
                codes += ["413", "415"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                schema = "Conflict" if code == "409" else "Error"
                existing = responses.get(code, {})
                default = DESCRIPTIONS[code]
                if code == "404" and "{" not in path:
                    default = "No such page."
                responses[code] = {
                    "description": existing.get("description") or default,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}
                    },
                }
    return result


def _is_paginated(operation: dict[str, Any]) -> bool:
    """A page number past the last page answers 404."""
    return any(parameter.get("name") == "page" for parameter in operation.get("parameters", []))


def declare_path_ids(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Every path id the routes read with `ID_PATTERN` is an integer from 1 to the 64-bit
    maximum, as the filters and body fields say: the route's digits-only pattern alone lets `0`
    through, and tells a client nothing of the bounds. One place, so that each new `{id}` route
    (cases, releases, attachments...) says the same."""
    route_pattern = f"^{ID_PATTERN}$"
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("pattern") == route_pattern:
                    parameter["schema"] = dict(ID_SCHEMA)
    return result
