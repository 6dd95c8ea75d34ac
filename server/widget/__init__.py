"""The embeddable widget: the loader script, the iframe page and the demo partner page."""
