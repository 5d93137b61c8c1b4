"""Review queues: teachers, join requests, parents waiting for the teacher."""
