"""Security: accounts and sign-in, the permission registry, audit views, privacy masking (see docs/security.md)."""
