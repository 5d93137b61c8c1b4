"""People: accounts, passwords, memberships, parents, teachers, sessions, retention."""
