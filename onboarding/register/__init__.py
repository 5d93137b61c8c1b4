"""Registration by invite: the role's form, the e-mail code, consent; join requests; a parent's confirmation; a logged-in user taking an invite."""
