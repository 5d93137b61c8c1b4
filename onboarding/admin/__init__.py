"""The administrator's console: the organisation's details and structure."""
