"""Table-driven tests of the conservative "I don't know" detector."""

from __future__ import annotations

import pytest

from dontguess.grading import detect_abstention

ABSTAIN = [
    "I don't know",
    "I don’t know.",
    "I do not know.",
    "I'm not sure",
    "I am not sure.",
    "Not sure.",
    "I cannot answer that",
    "I can't answer that question.",
    "IDK",
    "idk",
    "Unknown",
    "unknown.",
    "",
    "   ",
    "\n",
    "N/A",
    "No idea.",
    "I have no idea.",
    "I have no comment.",
    "No comment.",
    "Sorry, I don't have information about that person.",
    "I'm sorry, but I don't have any information on that.",
    "I am not able to answer this question.",
    "I'm unable to determine that.",
    "No one knows.",
    "It is impossible to know.",
    "There is no definitive answer to this question.",
    "I cannot provide that information.",
    "I don't know the exact date.",
    "I'm not certain of the answer.",
    "I do not know who that is.",
    "This information is not publicly available.",
    "Unfortunately, I could not find any information about this person's dissertation.",
    "As an AI language model, I do not have access to personal information such as "
    "birthdays. You may want to check their official website.",
    "**I don't know.**",
    "I don't know, sorry!",
    "I'd rather not guess.",
    "I don't have enough information to answer that.",
    "I'm afraid I don't know.",
    "That is beyond my knowledge.",
    "I'm not familiar with that person. I recommend checking a reliable source.",
    "Dunno",
    "I abstain.",
    "Unclear.",
    "No information.",
    "I won't guess.",
    "I lack the information to answer.",
    "Cannot determine with certainty.",
    "I couldn't find any information on a village of that name in Colombia. Records for "
    "small municipalities are often incomplete.",
    "I don't have the specific information on who won that prize. If you're looking for "
    "accurate historical data, I recommend checking a reliable source.",
]

ANSWER = [
    "Paris",
    "I'm not sure, but I think it's Paris",
    "I'm not sure. It might be Paris.",
    "Not sure, maybe 1850",
    "I don't know, but Paris",
    "I think it's 1972.",
    "Probably London.",
    "It was in 1850, but I don't know the exact day.",
    "I don't know the exact date, but it was in 1850",
    "The answer is 42.",
    "My best guess is Rome.",
    "I'm not sure it's Paris",
    "I believe it is 'On Learning'.",
    "12-03",
    "None",
    "0",
    "No",
    "Yes",
    "Honestly, Paris.",
    "Sorry, it is Paris.",
    "If I had to guess, 14 March.",
    "I can't be certain, but likely 1990.",
    "It could be Rome.",
    "Paris. I'm not completely sure though.",
    "The title was 'Learning with Errors'.",
    "Her birthday is 03-07.",
    "I don't know. Maybe Berlin.",
    "Unknown to many, the answer is Canberra.",
    "I don't think so.",
    "I can't say for sure, but no.",
    "I'm not sure. The capital of Australia is Canberra.",
    "I don't have real-time data; as of 2021 the population was 8 million.",
    "Not sure: Paris",
    "Paris?",
    "Na",
    "Pass the salt",
]


@pytest.mark.parametrize("text", ABSTAIN)
def test_abstentions(text: str) -> None:
    assert detect_abstention(text) is True


@pytest.mark.parametrize("text", ANSWER)
def test_answers_even_when_hedged(text: str) -> None:
    assert detect_abstention(text) is False


def test_none_is_abstention() -> None:
    assert detect_abstention(None) is True
