"""URLs of registration. Each area keeps its own views module; add its paths in its own block."""

from django.urls import path  # noqa: F401

app_name = "registration"

urlpatterns = []

# --- candidate pages (views_candidate.py) ---

# --- staff pages: review queue, detail, decisions, entry on behalf (views_staff.py) ---

# --- PDF: 申报表 download and batch print (views_pdf.py) ---

# --- bulk import, exports, extra sessions, retakes (views_bulk.py) ---
