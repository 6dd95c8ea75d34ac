"""Partner platforms: the sites allowed to embed the widget, their origins and secrets."""
