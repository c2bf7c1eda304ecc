"""Additions to the generated OpenAPI schema: the errors every endpoint can answer with."""

ERROR = {
    "type": "object",
    "description": "Every error: a message for people, and for invalid input the errors per "
    "field (or, for a list, per item). Never a traceback or SQL.",
    "properties": {
        "message": {"type": "string"},
        "errors": {"description": "per field, or a list with per item its fields"},
    },
    "required": ["message"],
}
CONFLICT = {
    "type": "object",
    "description": "The result changed since the version you sent; nothing was written.",
    "properties": {
        "message": {"type": "string"},
        "current": {"$ref": "#/components/schemas/Result"},
    },
    "required": ["message", "current"],
}
COMMON = [
    (
        "401",
        "Not logged in, or an unknown token.",
        {"message": "Authentication credentials were not provided."},
    ),
    (
        "403",
        "Your role does not give access to this endpoint or action.",
        {"message": "Your role does not give access to this endpoint."},
    ),
    (
        "404",
        "Not found, or not yours to see: another school's object is a 404.",
        {"message": "Not found."},
    ),
    (
        "429",
        "Too many requests; the message says when to try again.",
        {"message": "Request was throttled. Expected available in 60 seconds."},
    ),
]
INVALID = (
    "400",
    "The input is not valid; nothing was written.",
    {
        "message": "The input is not valid.",
        "errors": {"score": ["The score must lie between 0 and 24."]},
    },
)


def _error_response(description, example):
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "examples": {"example": {"value": example}},
            }
        },
    }


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    if "Result" in schemas:
        schemas["Conflict"] = CONFLICT
    for _path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, description, example in COMMON:
                responses.setdefault(code, _error_response(description, example))
            if method in ("post", "put", "patch", "get"):
                code, description, example = INVALID
                responses.setdefault(code, _error_response(description, example))
            if "409" in responses and "Conflict" in schemas:
                responses["409"] = {
                    "description": CONFLICT["description"],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Conflict"}}
                    },
                }
    return result
