"""What people and systems call: the error mapper, batches, the HTTP service
and the web tool."""
