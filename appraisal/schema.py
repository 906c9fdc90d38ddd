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


# Swagger UI groups operations under their tags (the URL's first part, in English): shown in Chinese,
# in the order of the work, each with a line on what it covers.
TAGS = {
    "registration": ("报名申报", "考生申报、上传材料、提交；鉴定机构审核、缴费登记；人社部门意见。"),
    "exams": ("考务", "考点考场、场次、考位、考评人员、试卷、督导、成绩与准考证。"),
    "certificates": ("证书", "证书数据上报与全国数据交换。"),
    "calendar": ("鉴定日历", "统一鉴定日期、定期鉴定日、补考日与报名截止日。"),
    "centers": ("鉴定机构", "鉴定机构及其核准的鉴定等级。"),
    "occupations": ("鉴定职业", "鉴定职业目录及各等级的考试方式。"),
    "authority": ("鉴定权限", "哪些鉴定机构可以受理某考生的某职业、等级。"),
    "me": ("当前用户", "当前登录用户及其权限范围。"),
    "auth": ("登录令牌", "以用户名和密码换取 API 令牌。"),
}


def chinese_tags(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "tags" in operation:
                operation["tags"] = [TAGS.get(tag, (tag,))[0] for tag in operation["tags"]]
    used = {tag for ops in result.get("paths", {}).values() for op in ops.values()
            if isinstance(op, dict) for tag in op.get("tags", [])}
    result["tags"] = [{"name": name, "description": text} for name, text in TAGS.values() if name in used]
    return result
