from django.urls import path

from frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("<slug:framework>/<str:version>/", views.version_detail, name="version-detail"),
]
