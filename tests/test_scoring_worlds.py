"""The model on small synthetic worlds that know each company's expected hires.

Full-size figures (the acceptance: beat every baseline, 97 % of the oracle) come from
`bench/bench_worlds.py`; at this size the test windows are noisy, so these check the
ranking against the weakest baselines and the oracle with some slack, and the calibration
of young companies."""

import pytest

from server.scoring.backtest import MODEL
from tests.scoring_worlds import WORLDS, assess

COMPANIES = 12_000


@pytest.mark.slow
@pytest.mark.parametrize("name", ["spontane", "poisson_seasonal", "young"])
def test_model_ranks_close_to_the_oracle(name):
    result = assess(WORLDS[name](COMPANIES, seed=11), seed=11)
    capture = result["capture"]
    assert capture[MODEL] > capture["lbb_ols"] and capture[MODEL] > capture["last_12_months"]
    assert result["ratio"] > 0.95
    assert 0.7 < result["young"] < 1.3
    assert result["published"] in capture
