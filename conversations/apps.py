from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Organisation, people and conversations"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from conversations import audit

        user_logged_in.connect(audit.audit_signed_in, dispatch_uid="audit-signed-in")
        user_login_failed.connect(audit.audit_sign_in_failed, dispatch_uid="audit-sign-in-failed")
        user_locked_out.connect(audit.audit_locked_out, dispatch_uid="audit-locked-out")
