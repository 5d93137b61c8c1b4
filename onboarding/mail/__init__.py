"""Mail delivery: backends, the sender, and the debug page of sent mail."""
