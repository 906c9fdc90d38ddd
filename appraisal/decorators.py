"""View decorators shared by the apps."""

from functools import wraps

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect


def post_or_back_to(url_name: str):
    """An action that only POST performs. A GET of its address (a reloaded page after an error, a
    restored tab, a shared link) goes back to the page the action belongs to, named `url_name` and
    taking the same URL arguments, instead of a blank 405."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                return redirect(url_name, *args, **kwargs)
            return HttpResponseNotAllowed(["POST"])

        return wrapper

    return decorator
