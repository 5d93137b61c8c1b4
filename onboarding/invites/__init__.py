"""Invites: creating and sharing links, letters, lists, revoking; the landing page."""
