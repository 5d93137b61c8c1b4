"""The chats' homeserver (Matrix, Synapse): the site decides who is in which
chat, and Synapse follows through a queue of tasks applied by a worker."""
