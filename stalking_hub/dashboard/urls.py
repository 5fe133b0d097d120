from django.urls import path

from stalking_hub.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("capacity/", views.capacity_page, name="capacity"),
]
