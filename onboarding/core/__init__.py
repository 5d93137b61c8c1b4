"""What every feature uses: the audit log, domain errors, signed tokens."""
