"""The SQL both corpus engines run (private)."""

from __future__ import annotations

__all__ = ["group_query"]


def group_query(union: str, idk_literal: str) -> str:
    """The aggregation both engines run: one row per (relation, answered, once, dropped).

    ``union`` is a query yielding (prompt, answer, relation); ``idk_literal`` the IDK marker
    as a SQL literal of the engine's dialect.
    """
    return f"""
WITH m AS ({union}),
k AS (
  SELECT relation, answer,
         CASE WHEN prompt IS NULL OR prompt = '' OR answer IS NULL OR answer = ''
              THEN NULL ELSE prompt END AS prompt
  FROM m),
g AS (
  SELECT relation, prompt, count(*) AS n_all,
         sum(CASE WHEN answer = {idk_literal} THEN 0 ELSE 1 END) AS n_ans
  FROM k GROUP BY relation, prompt)
SELECT relation, n_ans, n_all = 1 AS once, prompt IS NULL AS dropped,
       count(*) AS prompts, sum(n_all) AS examples
FROM g GROUP BY relation, n_ans, n_all = 1, prompt IS NULL
"""
