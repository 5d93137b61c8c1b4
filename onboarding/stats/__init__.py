"""Statistics for the administrators and the director: who registered, who
is in which chat, who waits, how many messages a week."""
