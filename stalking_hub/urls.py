from django.contrib import admin
from django.urls import include, path

from cases.urls import feed_urlpatterns
from stalking_hub import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", health.health, name="health"),
    path("accounts/", include("foundation.accounts.urls")),
    path("audit/", include("foundation.audit.urls")),
    path("records/", include("foundation.records.urls")),
    path("admin/", admin.site.urls),
    path("logs/imports/", include(feed_urlpatterns)),
    path("", include("cases.urls")),
    path("cases/<int:case_id>/risk/", include("risk.urls")),
    path("", include("referrals.urls")),
    path("training/", include("training.urls")),
    path("clinic/", include("clinic.urls")),
    path("legal/", include("legal.urls")),
    path("oversight/", include("oversight.urls")),
    path("learning/", include("learning.urls")),
    path("dashboard/", include("stalking_hub.dashboard.urls")),
]
