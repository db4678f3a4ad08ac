from django.apps import AppConfig


class SigninConfig(AppConfig):
    """No models: installed so that the sign-in signal receivers are connected at start-up."""

    name = "outcomes_site.signin"
    label = "signin"
    verbose_name = "Signing in"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from outcomes_site.signin.policy import remember_second_factor_state

        user_logged_in.connect(remember_second_factor_state, dispatch_uid="signin-second-factor")
        # The idle timeout counts from signing in (README: "Sessions and headers").
        from outcomes_site.middleware import note_sign_in

        user_logged_in.connect(note_sign_in, dispatch_uid="sessions-last-activity")
