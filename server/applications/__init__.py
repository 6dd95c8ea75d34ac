"""Applications sent from the widget: validation, attachments, anti-abuse, submission."""
