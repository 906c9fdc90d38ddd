"""The site's URLs plus one that fails, so a test can see the 500 page a user would get."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("a bug the user must not see")


urlpatterns = [path("boom/", boom), path("api/boom/", boom), *urlpatterns]
