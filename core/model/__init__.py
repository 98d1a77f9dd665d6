"""The model: what threshold knows, as small frozen attrs classes and constants.

Nothing here imports another part of threshold."""
