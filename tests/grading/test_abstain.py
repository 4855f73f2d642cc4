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


# Typical refusals per language (Czech ones are from the shape of real replies; the others
# are written from knowledge of how models refuse in those languages).
ABSTAIN_BY_LANGUAGE = {
    "cs": [
        "Nevím.",
        "Bohužel nevím.",
        "Omlouvám se, ale nemám k dispozici informace o tom, kdy přesně byl vyřazen z provozu.",
        "Na základě dostupných informací nemohu s jistotou určit přesný rok.",
        "Přesné datum narození mi není známo.",
        "Nejsem si jistý.",
        "Joseph Aigner byl rakouský malíř, ale bez dalších podrobností nelze s jistotou říct "
        "konkrétní rok vzniku díla.",
        "Přesné datum úmrtí bohužel nemám. Bez spolehlivého zdroje nemohu s jistotou určit "
        "přesné datum jeho smrti.",
        "Neznámé",
    ],
    "ru": [
        "Не знаю.",
        "К сожалению, у меня нет информации об этом.",
        "Я не могу точно сказать, в каком году это произошло.",
        "Мне неизвестно, кто получил эту премию.",
        "Извините, мне не удалось найти данные об этом человеке.",
        "Я не уверен.",
    ],
    "de": [
        "Ich weiß es nicht.",
        "Leider habe ich keine Informationen darüber.",
        "Das kann ich nicht mit Sicherheit sagen.",
        "Mir ist nicht bekannt, wann er geboren wurde.",
        "Unbekannt",
    ],
    "fr": [
        "Je ne sais pas.",
        "Désolé, je n'ai pas d'informations sur cette personne.",
        "Je ne peux pas déterminer la date exacte.",
        "Je ne suis pas sûr.",
    ],
    "es": [
        "No lo sé.",
        "Lo siento, no tengo información sobre eso.",
        "No puedo determinar el año exacto.",
        "Desconozco la respuesta.",
    ],
    "zh": ["我不知道。", "抱歉，我没有关于这个人的信息。", "我无法确定确切的日期。", "不清楚"],
    "ja": [
        "わかりません。",
        "申し訳ありませんが、その情報は見つかりません。",
        "正確な日付は特定できません。",
    ],
}
ANSWER_BY_LANGUAGE = {
    "cs": [
        "Praha",
        "Přesně nevím, ale pravděpodobně v roce 1850.",
        "Nemám přesné informace, mohu jen odhadovat, že to bylo v 70. letech.",
        "USS Nina byla přestavěna v roce 1897, ale přesný den a měsíc nejsou k dispozici.",
        "Myslím, že to byl Karel Čapek.",
    ],
    "ru": ["Москва", "Не уверен, но, вероятно, это был 1905 год.", "Думаю, это Пушкин."],
    "de": [
        "Berlin",
        "Ich bin nicht sicher, aber wahrscheinlich 1850.",
        "Ich glaube, es war Goethe.",
    ],
    "fr": [
        "Je ne sais quoi",
        "Le film « Je ne sais pas » est sorti en 1990.",
        "Je ne suis pas sûr, mais je pense que c'est Paris.",
        "Probablement Lyon.",
    ],
    "es": ["Madrid", "No estoy seguro, pero creo que fue en 1920.", "Probablemente Sevilla."],
    "zh": ["北京", "我不确定，但可能是1850年。", "我认为是鲁迅。"],
    "ja": ["東京", "わかりませんが、おそらく1850年です。", "たぶん夏目漱石だと思います。"],
    "en": [
        'The song "I Don\'t Know" was released in 1981.',
        'The most famous version of "I Can\'t Help Falling in Love" was by Elvis Presley in 1961.',
        "As an AI language model, I do not have access to real-time information. However, the "
        "game is usually played at Lincoln Financial Field.",
        "As an AI language model, I don't have personal opinions. The capital is Canberra.",
        "It was in 1850, but I can't say for sure.",
    ],
}


@pytest.mark.parametrize("text", [t for texts in ABSTAIN_BY_LANGUAGE.values() for t in texts])
def test_abstentions_beyond_english(text: str) -> None:
    assert detect_abstention(text) is True


@pytest.mark.parametrize("text", [t for texts in ANSWER_BY_LANGUAGE.values() for t in texts])
def test_answers_beyond_english(text: str) -> None:
    assert detect_abstention(text) is False


def test_eight_languages_covered() -> None:
    covered = set(ABSTAIN_BY_LANGUAGE) | {"en"}
    assert covered == {"en", "cs", "ru", "de", "fr", "es", "zh", "ja"}


@pytest.mark.parametrize("text", ["<UNKNOWN>", "&lt;UNKNOWN&gt;", "Odpověď: <UNKNOWN>"])
def test_unknown_placeholder_is_abstention(text: str) -> None:
    assert detect_abstention(text) is True


@pytest.mark.parametrize("text", ABSTAIN)
def test_abstentions(text: str) -> None:
    assert detect_abstention(text) is True


@pytest.mark.parametrize("text", ANSWER)
def test_answers_even_when_hedged(text: str) -> None:
    assert detect_abstention(text) is False


def test_none_is_abstention() -> None:
    assert detect_abstention(None) is True


# Issue 8 item 5: shapes of real refusals the detector used to miss (written for these
# tests, not copied from the shared data), and attempts with the same shapes that must
# stay answers.
REFUSAL_SHAPES = [
    # a refusal, then a numbered list of advice
    "I'm not aware of any paper with that title.\n\n1. Authors: You can try contacting the "
    "authors directly.\n2. Databases: You can search Google Scholar for papers that may be "
    "related.",
    # advice that happens to contain "might be"
    "I could not find the opening date. If you have a document where this might be "
    "mentioned, please upload it.",
    # a refusal, then only related facts (no number, no "but / however")
    "I couldn't find when the bridge was opened. The town lies on a river and is known for "
    "its wine. Many cyclists stop there on their way south.",
    "I don't know who designed it; it was probably some local architect.",
    "Přesný rok otevření mostu není z dostupných pramenů jednoznačně známý. Most leží na "
    "okraji města. Jeho historie by vyžadovala podrobnější archivní výzkum.",
    "Nemám přesné datum jeho narození. Byl to známý houslista z jižních Čech.",
    "Název té písně si nevybavuji.",
    "Přesný rok zůstává nejistý.",
    "Bez dalšího ověření bych nemohl s jistotou říct, kdo to byl.",
    "Nemám přesné informace o vítězi. Bez dalších podkladů mohu jen odhadovat.",
    "Přesný název je pro mě <UNKNOWN>.",
]
ATTEMPT_SHAPES = [
    "I don't know. Paris.",
    "I don't know the exact day; it was probably in 1987.",
    "I couldn't find the exact date. However, the bridge was opened in the spring.",
    "Mohu jen odhadovat, že to bylo v roce 1920.",
    "Nemám přesné informace, ale pravděpodobně to byl Karel Čapek.",
    "The book is kept in the city library. I did not find it in your files, so this answer "
    "is based on general knowledge.",
]


@pytest.mark.parametrize("text", REFUSAL_SHAPES)
def test_refusal_shapes_from_real_misses(text: str) -> None:
    assert detect_abstention(text) is True


@pytest.mark.parametrize("text", ATTEMPT_SHAPES)
def test_attempt_shapes_stay_answers(text: str) -> None:
    assert detect_abstention(text) is False


# Read against the gold answers (what a grader knows): (reply, golds, question, abstains).
GOLD_SHAPES = [
    # a refusal, then a clause whose only new content is a number: no answer to a name
    ("Nemám přesné informace, ale bylo to v roce 1987.", ("Karel Čapek",), "", True),
    # ... but a year is the kind of value a year gold asks for: a hedged wrong answer
    ("Nemám přesné informace, ale bylo to v roce 1987.", ("1990",), "", False),
    # ... or a hedged right one
    ("Nemám přesné informace, ale bylo to v roce 1990.", ("1990",), "", False),
    # a refusal, then related facts without a year: nothing can answer a year gold
    (
        "I couldn't find the year the club was founded. However, it is located in the "
        "north of the region and plays in the second division.",
        ("1967",),
        "",
        True,
    ),
    # a refusal and a guess that names no date: no answer to a date gold
    (
        "Přesné datum založení obce není jasné. Obec byla pravděpodobně založena během "
        "koloniálního období.",
        ("28. listopadu 1968",),
        "",
        True,
    ),
    # the same guess could name the answer to a text gold: an attempt
    (
        "Přesné informace o zakladateli obce nejsou jasné. Obec pravděpodobně založili "
        "španělští dobyvatelé.",
        ("Juan Rodríguez Parra",),
        "",
        False,
    ),
    # a statement before the refusal is read strictly: "released" is new content there
    (
        "The album was released in 2013. Unfortunately, I cannot determine who designed its cover.",
        ("Kerem Beyit",),
        "Who designed the cover of the album?",
        False,
    ),
    # a number the question states is no answer to a date ("Albert Hamm (1860-1891)")
    (
        "I cannot say when the race took place. The rower (1860-1891) raced on the river.",
        ("August 1st, 1880",),
        "When did the rower (1860-1891) first race?",
        True,
    ),
    # a year is no count: "in 2008" cannot answer "how many votes"
    (
        "I cannot find the exact number of votes. However, he was elected president in 2008.",
        ("66 votes",),
        "How many votes did he get?",
        True,
    ),
    # another count is a hedged wrong answer
    (
        "I cannot find the exact number of votes. However, he got about 70 votes.",
        ("66 votes",),
        "How many votes did he get?",
        False,
    ),
    # a statement naming someone before a hedge is an answer, not a related fact
    (
        "Janek Novák was the mayor from 1971 to 1976, though details of his term are not known.",
        ("Rajendra Suwal",),
        "Who was the mayor from 1971 to 1976?",
        False,
    ),
    # a bare candidate after a refusal is an answer
    ("I don't know. Paris.", ("Lyon",), "", False),
    # no refusal clause at all: the golds add nothing
    ("The town lies on a river.", ("1850",), "", False),
]


@pytest.mark.parametrize(("text", "golds", "question", "abstains"), GOLD_SHAPES)
def test_gold_aware_reading(
    text: str, golds: tuple[str, ...], question: str, abstains: bool
) -> None:
    assert detect_abstention(text, golds, question=question) is abstains


@pytest.mark.parametrize("text", REFUSAL_SHAPES + ATTEMPT_SHAPES)
def test_golds_never_undo_a_text_only_abstention(text: str) -> None:
    alone = detect_abstention(text)
    assert detect_abstention(text, None) is alone and detect_abstention(text, ()) is alone
    if alone:
        assert detect_abstention(text, ("1990",)) and detect_abstention(text, ("Karel Čapek",))


def test_gold_aware_shapes_are_answers_by_text_alone() -> None:
    """The shapes the golds decide are all answers by the text alone (the old reading)."""
    gained = [text for text, _, _, abstains in GOLD_SHAPES if abstains]
    assert gained and not any(detect_abstention(text) for text in gained)
