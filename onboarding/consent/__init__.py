"""My consents: what I (or my parent for me) accepted, and withdrawing one."""
