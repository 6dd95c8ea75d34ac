"""Partner webhooks: signed JSON events POSTed to a platform's `webhook_url`."""
