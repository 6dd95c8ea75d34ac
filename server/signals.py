"""Signals between concerns that must not import each other (blinker, as Flask uses).

Search listens to both: it lives above the importers and the recruiters' opt-out in the
layers, so they announce what changed instead of calling it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the app after an import or a scoring run changed what search shows.
companies_changed = _signals.signal("companies-changed")
# Sent with the app, `siret` and `opted_out` when a company opts out or an admin restores it.
company_opt_out_changed = _signals.signal("company-opt-out-changed")
