"""Organisations: their structure (units, the staff room) and what each kind is."""
