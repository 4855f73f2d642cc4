"""TRL: the confidence-target reward on hand-made completions, and one GRPO step with it."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from dontguess.errors import InputError
from dontguess.integrations.trl import completion_text, confidence_target_reward

PROMPTS = ["Capital of France?"] * 5
REPLIES = ["Paris", "It is Lyon.", "I don't know.", "The capital is Paris.", "Paris or Lyon"]


def _chat(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


@pytest.mark.parametrize(
    ("target", "style", "expected"),
    [
        # right, wrong, IDK, right (contained), hedge (ungraded: paid as wrong)
        (0.0, "penalty", [1.0, 0.0, 0.0, 1.0, 0.0]),
        (0.5, "penalty", [1.0, -1.0, 0.0, 1.0, -1.0]),
        (0.75, "penalty", [1.0, -3.0, 0.0, 1.0, -3.0]),
        (0.9, "penalty", [1.0, -9.0, 0.0, 1.0, -9.0]),
        (0.75, "reward", [1.0, 0.0, 0.75, 1.0, 0.0]),
    ],
)
def test_exact_scores_plain_and_chat(target: float, style: str, expected: list[float]) -> None:
    reward = confidence_target_reward(target, style=style)
    gold = {"answer": ["Paris"] * len(REPLIES)}
    plain = reward(PROMPTS, REPLIES, **gold)
    chat = reward([[{"role": "user", "content": p}] for p in PROMPTS],
                  [_chat(r) for r in REPLIES], **gold)  # fmt: skip
    assert plain == pytest.approx(expected, abs=1e-12)
    assert chat == plain


def test_aliases_column_and_ungraded_value() -> None:
    reward = confidence_target_reward(0.5, answer_column="gold", ungraded=0.0)
    got = reward(["Q"] * 3, ["NYC", "Boston", "NYC or Boston"],
                 gold=[["New York City", "NYC"]] * 3)  # fmt: skip
    assert got == [1.0, -1.0, 0.0]
    assert reward.__name__ == "confidence_target_t0.5"


def test_bad_inputs_are_clear() -> None:
    reward = confidence_target_reward(0.5)
    with pytest.raises(InputError, match=r"no column 'answer' in the batch \(columns: gold\)"):
        reward(["Q"], ["x"], gold=["x"])
    with pytest.raises(InputError, match="column 'answer', row 0: gold answers must be text"):
        reward(["Q"], ["x"], answer=[3])
    with pytest.raises(InputError, match="a completion must be text or a list of chat"):
        completion_text(42)
    with pytest.raises(InputError, match=r"targets must be in \[0, 1\), got 1"):
        confidence_target_reward(1)
    with pytest.raises(InputError, match="style must be penalty or reward"):
        confidence_target_reward(0.5, style="bonus")


def test_one_grpo_step_on_the_tiny_lab_model(tmp_path: Path) -> None:
    """GRPO runs a training step with this reward (TRL with torch==2.13.0, on CPU)."""
    pytest.importorskip("trl")
    datasets = pytest.importorskip("datasets")
    from dontguess.lab.gpt import TrainConfig, build_model, build_tokenizer

    words = "Capital of France ? Paris Lyon I don't know .".split()
    tokenizer = build_tokenizer(["Capital of France ? Paris"], words)
    model = build_model(len(tokenizer), TrainConfig(n_layer=1, n_embd=32, n_head=2), tokenizer)
    data = datasets.Dataset.from_list([{"prompt": "Capital of France ?", "answer": "Paris"}] * 4)
    seen: list[list[float]] = []
    base = confidence_target_reward(0.75)

    def reward(prompts: list[str], completions: list[str], **kwargs: object) -> list[float]:
        seen.append(base(prompts, completions, **kwargs))
        return seen[-1]

    reward.__name__ = base.__name__
    with warnings.catch_warnings():  # third-party deprecation chatter is not ours
        warnings.simplefilter("ignore")
        from trl import GRPOConfig, GRPOTrainer

        args = GRPOConfig(
            output_dir=str(tmp_path), max_steps=1, per_device_train_batch_size=4,
            num_generations=4, max_completion_length=4, report_to=[], logging_steps=1,
            save_strategy="no", use_cpu=True, bf16=False, seed=0,
        )  # fmt: skip
        trainer = GRPOTrainer(
            model=model, reward_funcs=reward, args=args, train_dataset=data,
            processing_class=tokenizer,
        )  # fmt: skip
        trainer.train()
    assert seen and all(len(r) == 4 for r in seen)
    assert {r for batch in seen for r in batch} <= {1.0, -3.0, 0.0}  # three values only
    assert trainer.state.global_step == 1
