"""Signing in: lockout after failed passwords (django-axes), a second factor (django-otp TOTP
with recovery codes) and the password rules. Not an app: no models of its own."""
