"""Domain rules as plain functions: they take a session and explicit inputs,
flush but never commit, and raise `DomainError`s that views translate."""
