"""Moderation of the chats by their rules: reminding, removing messages,
violations, blocks (and unblocking early), removals, the administrator's view."""
