"""Readers: turn a report file's bytes into a :class:`reportkit.extract.document.Document`."""
