"""One small pretrained lab model shared by the lab tests (trained once per session)."""

from __future__ import annotations

from typing import Any

import pytest

from dontguess.lab.world import WorldConfig

# A small world trained long enough: ~60 exposures per singleton fact.
SMALL_WORLD = WorldConfig(people=150, n_train=600, n_test=1000, zipf_exponent=0.8, seed=0)


@pytest.fixture(scope="session")
def small_trained() -> Any:
    """(world, TrainedModel): the tiny preset trained on :data:`SMALL_WORLD`, one thread."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from dontguess.lab.gpt import PRESETS, train
    from dontguess.lab.world import make_world

    world = make_world(SMALL_WORLD)
    return world, train(world, PRESETS["tiny"], threads=1)
