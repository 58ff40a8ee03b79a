"""Signing in with NHS login (service users, carers) and NHS CIS2 (staff) over OpenID Connect.

``client`` speaks the protocol (no Flask); ``settings`` reads each provider's configuration (both
are off unless configured); the matching of who signed in to the portal's people is in
``portal/services/external_identity.py``; the pages are ``portal/blueprints/auth/oidc_views.py``.
"""
