"""The API's URLs under /api/: each app's router, the core's, and the OpenAPI schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from certificates.exchange_api import ExchangeFeed
from certificates.verification_api import VerifyCertificate

urlpatterns = [
    path("registration/", include("registration.api_urls")),
    path("exams/", include("exams.api_urls")),
    path("certificates/exchange/", ExchangeFeed.as_view(), name="certificate-exchange"),
    path("certificates/verify/", VerifyCertificate.as_view(), name="certificate-verify"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("appraisal.api_urls")),
]
