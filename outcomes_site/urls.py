from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from conversations import views as conversation_views
from outcomes_site import sessions
from outcomes_site.signin import views as signin_views

admin.site.site_header = "Outcomes conversations — administration"
admin.site.site_title = "Outcomes conversations admin"

urlpatterns = [
    path("", conversation_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/two-step/", signin_views.two_step, name="two-step"),
    path("accounts/two-step/verify/", signin_views.verify, name="two-step-verify"),
    path("accounts/two-step/qr.svg", signin_views.two_step_qr, name="two-step-qr"),
    path(
        "accounts/two-step/recovery-codes/",
        signin_views.recovery_codes,
        name="two-step-recovery-codes",
    ),
    path("accounts/two-step/off/", signin_views.two_step_off, name="two-step-off"),
    path("accounts/keep-alive/", sessions.keep_alive, name="keep-alive"),
    path("frameworks/", include("frameworks.urls")),
    path("reports/", include("reporting.urls")),
    path("", include("conversations.urls")),
    path("admin/", admin.site.urls),
]
