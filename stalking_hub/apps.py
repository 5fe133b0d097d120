from django.contrib.admin.apps import AdminConfig


class HubAdminConfig(AdminConfig):
    default_site = "stalking_hub.admin_site.HubAdminSite"
