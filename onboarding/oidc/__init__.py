"""The site as OpenID Connect provider for the school's Matrix homeserver:
members sign in to Matrix apps (Element, FluffyChat) with the site's
password, «Войти через школу», and land on the account the site made."""
