"""Chats: the rules, choosing, joining, leaving, member lists."""
