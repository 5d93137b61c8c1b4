"""Log-in, log-out, password change and reset."""
