from reporting.views import audit, dashboard, drilldown, returns, targets, themes, what_helps

app_name = "reporting"

urlpatterns = [
    *dashboard.urlpatterns,
    *drilldown.urlpatterns,
    *targets.urlpatterns,
    *returns.urlpatterns,
    *audit.urlpatterns,
    *themes.urlpatterns,
    *what_helps.urlpatterns,
]
