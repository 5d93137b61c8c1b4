"""Help: a page per role, and a form to write to one's organisation's
administrators."""
