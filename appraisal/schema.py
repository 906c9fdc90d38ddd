"""The OpenAPI schema tells the truth about errors too: every operation documents the error
answers it can give, with their bodies (drf-spectacular post-processing hook).

400: a service's or a serializer's ValidationError, {field: [messages]} or {"detail": [messages]};
401: missing or invalid credentials; 403: not allowed (the reason in Chinese); 404: not there or
not in the user's scope; 415: a body in a format the operation does not take; 429: an account
locked after repeated wrong passwords (the token endpoint)."""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "原因（中文）"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "字段名（或 detail、non_field_errors）→ 错误信息列表（中文）",
    "additionalProperties": {},
}
ANSWERS = {
    "400": ("请求数据有误", "ValidationError"),
    "401": ("未登录或令牌无效", "Error"),
    "403": ("无权执行此操作", "Error"),
    "404": ("记录不存在或不在您的权限范围内", "Error"),
}
WITH_BODY = {"post", "put", "patch"}


def _response(description: str, component: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}}


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status, (description, component) in ANSWERS.items():
                responses.setdefault(status, _response(description, component))
            if method in WITH_BODY:
                responses.setdefault("415", _response("不支持的请求格式", "Error"))
            if path.endswith("/auth/token/"):
                responses.setdefault("429", _response("多次密码错误，账号暂时锁定", "Error"))
    return result
