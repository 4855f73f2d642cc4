"""GRPO with the confidence-target reward: +1 right, -t/(1-t) wrong, 0 for "I don't know".

    pip install 'dontguess[trl]'
    python examples/grpo_confidence_target.py --dataset questions.jsonl --target 0.75 \\
        --model Qwen/Qwen2.5-0.5B-Instruct --steps 100 --out grpo-out

``--dataset`` is anything ``dontguess run --dataset`` reads (question and answer columns).
``--model tiny`` (the default) builds a tiny GPT-2 from a config, so the script runs
offline on a CPU in seconds; it learns nothing useful, it shows the wiring. Evaluate the
trained model with ``dontguess run --model hf:grpo-out ...`` at the same target.
"""

from __future__ import annotations

import argparse

from dontguess.integrations.trl import confidence_target_reward
from dontguess.items import load_items


def _tiny(questions: list[str], answers: list[str]) -> tuple[object, object]:
    from dontguess.lab.gpt import TrainConfig, build_model, build_tokenizer

    words = " ".join([*questions, *answers, "I don't know ."]).split()
    tokenizer = build_tokenizer(questions, words)
    config = TrainConfig(n_layer=1, n_embd=32, n_head=2)
    return build_model(len(tokenizer), config, tokenizer), tokenizer


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--dataset", required=True, help="question set (as dontguess run --dataset)")
    p.add_argument("--target", type=float, default=0.75, help="confidence target t (0.75)")
    p.add_argument("--model", default="tiny", help="Hugging Face model name or path, or tiny")
    p.add_argument("--limit", type=int, help="first N questions")
    p.add_argument("--steps", type=int, default=1, help="training steps (1)")
    p.add_argument("--out", default="grpo-out", help="output folder (grpo-out)")
    args = p.parse_args()

    import datasets
    import torch
    from trl import GRPOConfig, GRPOTrainer

    items = [i for i in load_items(args.dataset, limit=args.limit) if i.answers]
    rows = [{"prompt": i.question, "answer": list(i.answers)} for i in items]
    if args.model == "tiny":
        model, tokenizer = _tiny([r["prompt"] for r in rows], [i.answers[0] for i in items])
    else:
        model, tokenizer = args.model, None
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=confidence_target_reward(args.target),  # column "answer" holds the gold
        args=GRPOConfig(
            output_dir=args.out,
            max_steps=args.steps,
            per_device_train_batch_size=4,
            num_generations=4,
            max_completion_length=16,
            report_to=[],
            logging_steps=1,
            use_cpu=not torch.cuda.is_available(),
            bf16=torch.cuda.is_available(),
        ),
        train_dataset=datasets.Dataset.from_list(rows),
        processing_class=tokenizer,
    )
    trainer.train()
    trainer.save_model(args.out)


if __name__ == "__main__":
    main()
