"""Hiring potential: predicted hires in the next 6 months, scores, stars and per-job scores.

The numeric core (`windows`, `features`, `models`, `metrics`, `formula`, `pipeline`) works
on numpy arrays only, so the benchmark runs it without a database; `history` reads the
stored hires, `publish` writes the results, `cli` is `flask scores`.
"""
