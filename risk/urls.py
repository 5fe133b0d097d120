from django.urls import path

from risk import views

app_name = "risk"

# Mounted under /cases/<case_id>/risk/ (stalking_hub/urls.py): the case id comes first.
urlpatterns = [
    path("", views.assessment_history, name="history"),
    path("new/", views.assessment_choose, name="choose"),
    path("new/<slug:instrument_key>/", views.assessment_new, name="new"),
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
]
