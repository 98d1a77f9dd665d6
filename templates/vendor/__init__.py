"""Third-party front-end files vendored into threshold's package data (each folder says how)."""
