"""Phrase lists of the "I don't know" detector, one block per language.

Each list holds regular-expression fragments matched against lower-cased text (quotes
folded, ``*`` removed, whitespace collapsed). ``_abstain`` joins every language's list of a
kind into one compiled pattern, so a reply is checked against all languages at once and
mixed-language replies work. Fragments that end in a word start with ``\\b`` where the
script has word boundaries; Chinese and Japanese fragments have none (no spaces).

Kinds:

- ``WHOLE``: a reply (or clause) that is nothing but this is an abstention ("Unknown").
- ``ABSTAIN``: a clause containing this says "I don't know / cannot say / have no
  information" about what was asked.
- ``HEDGE``: the subset of abstentions that only express doubt ("I'm not sure"): on their
  own they abstain, but they do not turn an answer stated before them into an abstention
  ("Paris, but I'm not sure" is an answer).
- ``COMMIT``: a guess or a stated answer ("I think", "probably", "the answer is"): any
  clause with one makes the reply an attempt, as the SimpleQA grader counts a hedged
  answer as attempted.
- ``LEADING``: filler stripped from the start of a clause (apologies, "as an AI").
- ``FILLER``: a clause starting with this is advice or politeness ("I recommend checking").
- ``CONTRAST``: words that start a new clause ("but", "however").
- ``COPULA``: an affirmative "is / was" that makes a clause a statement, not an explanation.

Languages: English, Czech, Russian, German, French, Spanish, Chinese, Japanese.
"""

from __future__ import annotations

__all__ = [
    "ABSTAIN",
    "COMMIT",
    "CONTRAST",
    "COPULA",
    "FILLER",
    "GATE",
    "HEDGE",
    "INDEFINITE",
    "LEADING",
    "WHOLE",
]

_EN_NEG = (
    r"(?:don'?t|do not|cannot|can'?t|can not|could not|couldn'?t|am unable to|'?m unable to|"
    r"was unable to|am not able to|'?m not able to|won'?t be able to|am not in a position to|"
    r"'?m not in a position to|did not|didn'?t|was not able to|wasn'?t able to)"
)
_CS_INFO = r"(?:informac|údaj|podklad|zdroj|přístup|dat|detail|znalost|přehled|odpověď|záznam)"
_CS_VERB = (
    r"(?:určit|říct|říci|poskytnout|potvrdit|uvést|odpovědět|najít|dohledat|ověřit|"
    r"identifikovat|specifikovat|zodpovědět|reprodukovat|sdělit|stanovit|vybavit|zjistit|"
    r"doložit|přesně určit|jmenovat|podat|citovat|dát|nalézt|vyhledat|posoudit|odhadnout)"
)
_RU_VERB = (
    r"(?:сказать|ответить|определить|найти|предоставить|подтвердить|назвать|указать|"
    r"вспомнить|дать|установить|проверить|сообщить)"
)

# Every WHOLE or ABSTAIN match contains one of these stems (a negation, mostly); checking
# them first skips the long alternations on most clauses. tests/grading/test_abstain_real.py
# checks the promise on every clause of the shared labelled sets.
GATE: list[str] = [
    r"n'?t\b|\bnot?\b|\bno[ -]|\bun(?:able|aware|known|clear|sure|certain|answerable|determined)",
    r"idk|dunno|impossibl|unknowable|lack|beyond|outside|rather|decline|refuse|abstain|\bpass\b",
    r"cannot|\bskip\b|n/a|nobody|need|insufficient|would|\bne|\bbez\b|chybí|přesahuje|mimo|bych",
    r"spekula|zavádě|vyžad|zůst[aá]|\bby byl|\bне|затрудня|\bвне\b|понятия",
    r"nicht|kein|unbekannt|unsicher|ignore|aucun",
    r"\bn'|inconnu|\bpas\b|\bni\b|\bsin\b|descono|unknown|[不无無没沒未]|超出|ません|ない",
]

WHOLE: list[str] = [
    # English
    r"idk|dunno|unknown|not known|unsure|uncertain|not sure|no idea|no clue|n/a|pass|skip",
    r"abstain|i abstain|i pass|no comment|i have no comment|no answer|i don'?t know",
    r"i do not know|not certain|cannot say|can'?t say|unanswerable|no (?:known|definitive) answer",
    r"unclear|no information|not available|cannot determine|can'?t determine|undetermined",
    r"unknowable",
    # Czech
    r"nevím|neznám|neznámé|neznámý|neznámá|neznámo|nejsem si jist[ýá]?|není známo|bez odpovědi",
    # Russian
    r"не знаю|неизвестно|нет данных|нет информации|нет ответа|не уверен[а]?",
    # German
    r"ich weiß (?:es )?nicht|weiß nicht|unbekannt|keine ahnung|nicht bekannt|keine antwort",
    # French
    r"je ne sais pas|inconnu[e]?|aucune idée|pas de réponse|je l'ignore",
    # Spanish
    r"no (?:lo )?sé|desconocido|desconocida|ni idea|sin respuesta|no estoy segur[oa]",
    # Chinese, Japanese
    r"不知道|未知|不清楚|不详|不詳|不确定|不確定|わかりません|分かりません|不明|知りません",
]

ABSTAIN: list[str] = [
    # English
    rf"\bi {_EN_NEG} (?:\w+ly )?(?:know|tell|say|answer|"
    r"determine|provide|find|confirm|verify|recall|remember|help|give|identify|"
    r"be (?:sure|certain)|access|look up|predict|guess|speculate|locate|pinpoint|specify)",
    r"\bi (?:do not|don'?t) (?:currently )?(?:have|possess|hold)\b",
    r"\bi(?: have|'ve) no (?:idea|information|knowledge|data|clue|record|details|access|"
    r"way|reliable|specific|verified|answer)",
    r"\bi(?: am|'m|m) not (?:aware|familiar|able)",
    r"\bi(?: am|'m|m) (?:unaware|unable)",
    r"\b(?:idk|dunno|no idea|no clue)\b",
    r"\b(?:nobody|no one|no-one) (?:really )?knows\b",
    r"\b(?:it is|it's|it was) (?:impossible|not possible|unclear|unknown)\b",
    r"\b(?:impossible|not possible|no way) (?:for me )?to (?:know|say|tell|determine|answer)",
    r"\b(?:cannot|can'?t|could not|couldn'?t) be (?:determined|known|answered|verified)",
    r"\bthere (?:is|'s|are|was) no (?:way to know|(?:definitive|definite|known|single|clear|"
    r"reliable|verifiable|publicly available|public|available|accurate|specific|widely "
    r"available|correct|factual|objective|record|information|data)\b)",
    r"\b(?:is|are|remains?) (?:unknown|not known|not publicly (?:known|available))\b",
    r"\bunable to (?:answer|determine|find|provide|verify|confirm|say|know|locate)",
    r"\b(?:beyond|outside|not in|not within) (?:my|the scope of my) (?:knowledge|training)",
    r"\bi(?: would|'d) rather not\b",
    r"\bi (?:prefer|choose|decline|refuse) (?:not )?to (?:answer|guess|respond|say)",
    r"\bi (?:abstain|pass)\b",
    r"\bi (?:won'?t|will not) (?:guess|answer|speculate|make up)",
    r"\bi lack (?:the |any |enough |sufficient )?(?:information|knowledge|data)",
    r"\b(?:no comment|not enough information|insufficient information)\b",
    r"\bi (?:would|'d) need (?:access|more (?:information|context|details)|to (?:know|see))",
    r"\b(?:my|the) (?:knowledge base|training data|sources?|database|documents?|files?|"
    r"search results?) (?:do(?:es)? not|don'?t|did not|didn'?t) (?:contain|include|have|"
    r"mention|provide|specify|indicate|show)",
    # Czech
    r"<unknown(?:>|$)|&lt;unknown|\bnevím\b|\bneznám\b|\bnepoznávám\b|\bnevzpomínám si\b",
    r"\bnepamatuji si\b|\bnetuším\b|nemám ponětí",
    rf"\bnemám (?:\w+ ){{0,3}}{_CS_INFO}",
    r"\bnemám k dispozici\b",
    rf"\b(?:nemohu|nemůžu|nedokážu|nedokáži|neumím|nejsem schop[ennýá]+) (?:\w+ ){{0,5}}{_CS_VERB}",
    rf"\bnelze (?:\w+ ){{0,4}}{_CS_VERB}",
    rf"\b(?:není|nebylo) (?:\w+ ){{0,2}}možné (?:\w+ ){{0,3}}{_CS_VERB}",
    r"\b(?:mi )?(?:není|nejsou|nebyl[ao]?) (?:mi )?(?:\w+ )?znám[aáéoýy]?\b",
    r"\b(?:není|nejsou) (?:\w+ ){0,3}(?:dostupn|k dispozici|doložen|zdokumentován|jasn|"
    r"uveden|specifikován|zaznamenán|ověřen|známo)",
    r"\b(?:není|nejsou) v (?:mých|mé|moji|mojí) ",
    r"\b(?:není|nejsou) (?:\w+ ){0,10}(?:zcela |úplně |dostatečně )?jasn",
    r"\b(?:byl[ao]?|bude|by (?:\w+ ){0,3}byl[ao]?) (?:\w+ ){0,2}(?:spekulac|spekulativn|"
    r"nezodpovědn|nepřesn|zavádějíc)",
    r"\bwould (?:\w+ ){0,2}(?:be (?:\w+ )?(?:speculat|a guess|guesswork|irresponsible|misleading))",
    r"\bmi chybí\b",
    r"\bnejsem si (?:\w+ )?jist|\bsi nejsem (?:\w+ )?jist|\bnemohu si být (?:\w+ )?jist",
    r"\bbych (?:musel[a]?|potřeboval[a]?) (?:\w+ ){0,3}(?:dohledat|ověřit|vědět|přístup|"
    r"další|více|podrobnější|konkrétnější)",
    r"\b(?:nenašel|nenašla) jsem\b",
    r"\bnepodařilo se mi (?:\w+ ){0,2}(?:najít|zjistit|dohledat|ověřit)",
    r"\bpřesahuje (?:mé|moje) znalosti\b|\bmimo (?:mé|moje) znalosti\b",
    r"\bnepodařilo se\b|\bse mi (?:\w+ )?nepodařilo\b|\b(?:nenašel|nenašla|nenašli)\b",
    r"\b(?:jsou|je) mi (?:\w+ )?neznám|\bnemáme k dispozici\b",
    r"\b(?:není|nejsou) (?:\w+ ){0,4}(?:určiteln|zjistiteln|dohledateln|ověřiteln)",
    r"\b(?:není|nejsou) (?:k dispozici )?(?:žádné|žádná|žádný) (?:\w+ )?(?:informac|údaj|záznam)",
    # "I have no exact date / name", "I don't recall", "(it) is not … known / stated / clear"
    r"\bnemám (?:\w+ ){0,3}(?:přesn|jistot|dostatek|k dispozici|představu|paměť)",
    r"\b(?:nevzpomínám|nevybavuji|nevybavím)\b|\bnejsem si vědom",
    r"\b(?:není|nejsou|nebyl[aoiy]?) (?:\w+ ){0,10}(?:znám[aáéoýy]?\b|uváděn|uveden|jasn|"
    r"zřejm|jednoznačn|doložen|dokumentován|zaznamenán|specifikován|dostupn|k dispozici|"
    r"stanoven|určiteln|zjistiteln|ověřen)",
    rf"\b(?:není|nebylo) (?:\w+ ){{0,10}}možné (?:\w+ ){{0,6}}{_CS_VERB}",
    r"\b(?:bych|by) (?:\w+ ){0,3}(?:nemohl|nemohla|nedokázal|nedokázala|mohl[a]? jen|"
    r"mohl[a]? pouze)\b",
    r"\b(?:nemohl|nemohla) bych\b",
    r"\bby (?:bylo|byl[aiy]?) (?:\w+ ){0,2}(?:nutné|potřeba|třeba) (?:\w+ ){0,2}(?:ověřit|"
    r"dohledat|zjistit|přesnější|další|podrobnější)",
    r"\b(?:zůstává|zůstávají|zůstal[aoiy]?) (?:\w+ ){0,2}(?:nejist|neznám|nejasn|otázkou)",
    r"\bchybí (?:\w+ ){0,3}(?:informac|údaj|podklad|detail|záznam|kontext)",
    r"\bvyžad\w* (?:\w+ ){0,4}(?:ověření|výzkum|průzkum|rešerš|dohledání|studium|"
    r"znalost|literatur|databáz|záznam|zdroj|statistik|dokumentac|měření)",
    r"\bbych (?:se |si )?(?:zdráhal|nechtěl|nerad|nebyl)\w* (?:\w+ ){0,2}(?:uvádět|uvést|"
    r"spekulovat|odhadovat|tvrdit|jist)",
    r"\bneexistuj\w* (?:\w+ ){0,3}(?:odpověď|informac|záznam|údaj)",
    # Russian
    r"\bне знаю\b|\bне помню\b|понятия не имею|\bзатрудняюсь (?:ответить|сказать)",
    rf"\bне (?:могу|смогу|смог|смогла|в состоянии) (?:\w+ ){{0,3}}{_RU_VERB}",
    r"\bу меня нет (?:\w+ ){0,3}(?:информации|данных|сведений|доступа|ответа)",
    r"\bне (?:располагаю|обладаю|имею (?:\w+ )?(?:информаци|данны|доступ|сведени))",
    r"\bмне (?:не известн|неизвестн|ничего не известно)",
    r"\bне удалось (?:\w+ ){0,2}(?:найти|определить|установить|выяснить)",
    r"\bя не уверен|\bне уверена\b",
    r"\b(?:это |точн\w+ )?(?:неизвестно|не известно)\b",
    r"\bнет (?:\w+ ){0,2}(?:информации|данных|сведений)\b",
    r"\bинформаци\w+ (?:\w+ )?(?:отсутствует|недоступна|нет)\b",
    r"\bне наш[её]л\w*\b|\bвне (?:моих|моей) (?:знаний|компетенции)",
    # German
    r"\bich weiß (?:es |das )?nicht\b|\bweiß ich nicht\b|\bkeine ahnung\b",
    r"\bich (?:kann|konnte) (?:\w+ ){0,5}(?:nicht|keine) (?:\w+ ){0,3}(?:sagen|beantworten|"
    r"finden|bestimmen|bestätigen|nennen|angeben|geben|feststellen|ermitteln|liefern)",
    r"\b(?:ich habe|habe ich) keine (?:\w+ ){0,2}"
    r"(?:informationen|ahnung|daten|angaben|kenntnis|zugriff)",
    r"\bmir (?:ist|sind) (?:\w+ ){0,2}(?:nicht bekannt|unbekannt)",
    r"\bich bin (?:mir )?(?:nicht|un)sicher\b",
    r"\b(?:ist|sind) (?:\w+ ){0,2}(?:nicht bekannt|unbekannt)\b",
    r"\bkann ich (?:\w+ ){0,3}nicht (?:\w+ ){0,3}(?:sagen|beantworten|bestimmen|bestätigen|nennen)",
    r"\blässt sich (?:\w+ )?nicht (?:\w+ )?(?:sagen|bestimmen|feststellen)",
    r"\bich verfüge (?:\w+ )?über keine\b|\bliegen mir keine\b|\bmir liegen keine\b",
    # French
    r"\bje ne (?:le )?sais pas\b|\bje n'en sais rien\b|\bj'ignore\b|\baucune idée\b",
    r"\bje ne (?:peux|pourrais|suis pas en mesure de) (?:pas )?(?:\w+ ){0,3}(?:dire|répondre|"
    r"déterminer|trouver|confirmer|fournir|affirmer|préciser|indiquer|donner|vérifier)",
    r"\bje n'ai (?:pas|aucune?) (?:de |d')?(?:\w+ ){0,3}"
    r"(?:information|idée|donnée|accès|connaissance|réponse)",
    r"\bje ne suis pas (?:sûr|certain)",
    r"\bje ne connais pas\b|\bje n'ai pas (?:pu )?trouvé|\bje ne dispose pas\b",
    r"\bn'est pas (?:connu|disponible|publiquement)|\bimpossible de (?:dire|savoir|déterminer|"
    r"répondre|trouver)",
    r"\bje ne me souviens pas\b",
    # Spanish
    r"\bno (?:lo )?sé\b|\bni idea\b|\bdesconozco\b|\bno me consta\b|\bno recuerdo\b",
    r"\bno tengo (?:\w+ ){0,3}(?:información|idea|datos|acceso|conocimiento|respuesta)",
    r"\bno (?:puedo|podría|pude) (?:\w+ ){0,3}(?:decir|responder|determinar|encontrar|confirmar|"
    r"proporcionar|precisar|indicar|verificar|dar|saber)",
    r"\bno estoy (?:\w+ )?segur[oa]\b|\bno (?:encontré|he encontrado|hallé|dispongo)\b",
    r"\bno (?:se conoce|es conocid|está disponible)",
    r"\bno hay (?:\w+ ){0,2}(?:información|datos|registro)",
    r"\bno es posible (?:\w+ )?(?:determinar|saber|decir)",
    # Chinese (simplified and traditional)
    r"不知道|不清楚|不确定|不確定|不了解|不记得|不記得|不得而知|无从得知|無從得知|尚不清楚",
    r"[无無]法(?:确定|確定|回答|提供|找到|确认|確認|得知|判断|判斷|查到|给出|給出|核实|核實)",
    r"不能(?:确定|確定|回答|提供|确认|確認)|找不到|没有找到|沒有找到|未能找到",
    r"[没沒]有(?:\S{0,6})(?:信息|资料|資料|数据|數據|记录|記錄|資訊|答案)",
    r"超出(?:了)?我的知识|超出(?:了)?我的知識",
    # Japanese
    r"わかりません|分かりません|知りません|存じません|わからない|分からない|把握していません",
    r"(?:確認|特定|回答|お答え|答え)(?:が|は)?できません|見つかりません|見つけられません",
    r"情報(?:が|は)(?:ありません|見つかりません)|持ち合わせていません|情報を持っていません",
    r"(?:確か|定か)ではありません|確信が(?:持てません|ありません)|覚えていません|記憶にありません",
]

HEDGE: list[str] = [
    # a generic disclaimer that models often follow with an answer anyway
    r"\bi (?:do not|don'?t|cannot|can'?t) (?:have )?(?:access|browse|search)(?: to)? (?:to )?"
    r"(?:the )?(?:real-time|current|the latest|latest|up-to-date|live|the internet|internet|"
    r"future|recent|most current|most recent)",
    r"\b(?:my|the) (?:knowledge|training|information) (?:\w+ ){0,3}(?:cut-?off|up to|until|only "
    r"goes|is limited)",
    r"\bi(?: am|'m|m) (?:not (?:sure|certain|confident|100%)|unsure|uncertain)",
    r"\b(?:not (?:sure|certain)|unsure)\b",
    r"\b(?:cannot|can'?t|unable to) (?:determine|answer|tell|know|say|confirm) (?:for sure|"
    r"with (?:any |complete |absolute )?(?:certainty|confidence))",
    r"\bnejsem si (?:\w+ )?jist",
    r"\bне уверен",
    r"\bnicht sicher\b|\bunsicher\b",
    r"\bpas (?:sûr|certain)",
    r"\bno estoy (?:\w+ )?segur",
    r"不确定|不確定|确信|確信",
]

COMMIT: list[str] = [
    # English; the lookahead keeps "it is unclear", "might be wrong" etc. from counting
    r"\b(?:i think|i believe|i guess|i'?d guess|i suspect|i would say|i'?d say|i reckon|"
    r"my (?:best )?guess|best guess|probably|likely|perhaps|maybe|possibly|presumably|"
    r"if i had to (?:guess|say)|the answer (?:is|was|would be)|it is|it's|it was|"
    r"(?:this|my) answer is based on|"
    r"(?:might|could|may|would) be)\b"
    r"(?!\s*(?:$|not\b|n't|impossible|possible|unclear|unknown|difficult|hard|wrong|mistaken|"
    r"unable|best to|better to|a good idea|helpful|useful|worth|that\b|the case|able|sure|"
    r"certain|available|publicly|known|necessary|advisable))",
    # Czech
    r"\b(?:pravděpodobně|nejspíš[e]?|možná|myslím|domnívám se|odhaduji|odhadem|"
    r"(?:mohu|můžu) (?:jen |pouze )?(?:odhadovat|spekulovat|hádat)(?=\W*\w)|"
    r"tipuji|tipl bych|zřejmě|patrně|snad|věřím|podle mého (?:názoru|odhadu)|"
    r"odpověď je|odpovědí je|s největší pravděpodobností|mohlo jít o|mohlo by jít o)\b",
    # Russian
    r"\b(?:вероятно|возможно|наверное|скорее всего|думаю|полагаю|по-моему|предположительно|"
    r"видимо|может быть|мне кажется|ответ:)",
    # German
    r"\b(?:wahrscheinlich|vermutlich|vielleicht|ich glaube|ich denke|ich vermute|"
    r"möglicherweise|eventuell|meiner meinung nach|ich schätze|schätzungsweise|"
    r"die antwort (?:ist|lautet)|könnte (?:\w+ )?sein)\b",
    # French
    r"\b(?:probablement|peut-être|je pense|je crois|il me semble|sans doute|vraisemblablement|"
    r"la réponse est|à mon avis|je dirais|possiblement|il se peut|pourrait être)\b",
    # Spanish
    r"\b(?:probablemente|quizás|quizá|tal vez|creo que|pienso que|supongo que|posiblemente|"
    r"seguramente|diría que|la respuesta es|podría ser|puede que|es posible que)\b",
    # Chinese, Japanese
    r"可能|也许|也許|或许|或許|大概|我认为|我認為|我觉得|我覺得|我猜|应该是|應該是|估计|估計|答案是",
    r"おそらく|恐らく|たぶん|多分|かもしれ|と思います|と思われます|はずです|答えは",
]

LEADING: list[str] = [
    r"(?:i'?m|i am) (?:very |so |really )?sorry|sorry|i apologi[sz]e|apologies|unfortunately",
    r"i (?:do not|don'?t) have (?:any )?(?:personal |political )?(?:opinions?|beliefs?|"
    r"preferences?|feelings?|emotions?|experiences?|views?|affiliations?)"
    r"(?: (?:or|and) (?:\w+ )?(?:opinions?|beliefs?|preferences?|affiliations?|emotions?))?",
    r"i (?:cannot|can'?t) (?:provide|give) (?:medical|legal|financial|personal) advice"
    r"(?: or procedures)?",
    r"as an ai(?: language model| assistant| model)?|honestly|to be honest|well|hmm+|um+|oh|ah",
    r"(?:final |short )?answer|odpověď|ответ|antwort|réponse|respuesta",
    "\\d{1,2}[.)\u2024]|•",  # a list item's number or bullet ("1.", "2)")
    r"regrettably|alas|as of my (?:last |knowledge )?(?:update|cutoff|cut-off)(?: date)?",
    r"omlouvám se|bohužel|je mi líto|promiňte|upřímně|k mé lítosti",
    r"na základě (?:mých |mně )?(?:dostupných|dostupné|aktuálních) (?:informací|znalostí|dat)",
    r"к сожалению|извините|прошу прощения|простите|увы|как (?:языковая модель|ии)",
    r"leider|es tut mir leid|tut mir leid|entschuldigung|ehrlich gesagt|als ki(?:-sprachmodell)?",
    r"désolée?|je suis désolée?|malheureusement|hélas|pardon|en tant qu'(?:ia|assistant)",
    r"lo siento|lamentablemente|desafortunadamente|disculpa|disculpe|perdón|sinceramente",
    r"很抱歉|抱歉|对不起|對不起|很遗憾|很遺憾|遗憾的是|遺憾的是|不好意思",
    r"申し訳(?:ありません|ございません)(?:が)?|すみません(?:が)?|残念ながら|恐れ入りますが",
]

FILLER: list[str] = [
    r"you (?:may|might|could|can|should|would)(?: want to| wish to| need to)?",
    r"i (?:would |'d )?(?:recommend|suggest|advise|encourage)|please|try|consider",
    r"if (?:you|you're|you are) (?:have|can|could|need|want|provide|looking|interested)",
    r"feel free|i hope|let me know|is there anything|could you|can you|would you",
    r"they (?:might|may|could|should|would|will) (?:have|be able)",
    r"my (?:knowledge|training|information|data)|i (?:can|could) (?:help|try|suggest|provide)",
    r"(?:for|to get) (?:accurate|reliable|the most|up-to-date|more)|thank",
    r"doporučuji|doporučil[a]? bych|pokud (?:máte|potřebujete|chcete|byste)|můžete|zkuste",
    r"pro (?:přesn|poskytnutí|získání|ověření|zodpovězení|zjištění)|obraťte se|kontaktujte",
    r"(?:bylo by|by bylo) (?:\w+ )?(?:potřeba|nutné|třeba|vhodné|dobré)",
    r"рекомендую|советую|попробуйте|вы можете|обратитесь|если (?:вам|у вас|вы)|пожалуйста",
    r"ich empfehle|bitte|sie können|sie könnten|versuchen sie|wenden sie sich|falls sie",
    r"je vous (?:recommande|conseille|suggère)|vous pouvez|vous pourriez|n'hésitez pas|"
    r"si vous|essayez|veuillez",
    r"te recomiendo|le recomiendo|te sugiero|le sugiero|puedes|podrías|si (?:tienes|necesitas|"
    r"quieres|puedes)|por favor",
    r"建议|建議|您可以|你可以|请|請|如果您|如果你|希望",
    r"ご確認|確認してください|参照してください|お勧め|おすすめ",
]

CONTRAST: list[str] = [
    r"but|however|although|though|yet",
    r"ale|však|avšak|ovšem|nicméně",
    r"но|однако|хотя",
    r"aber|jedoch|allerdings",
    r"mais|cependant|toutefois",
    r"pero|sin embargo|aunque",
]

COPULA: list[str] = [
    r"is|was|are|were|'s|'re",
    r"(?<!by )(?:je|jsou|byl|byla|bylo|byli|byly)",
    r"является|был|была|было|были",
    r"ist|sind|war|waren|wurde",
    r"est|sont|était|étaient|fut",
    r"es|son|fue|era|eran|está",
]

# A guess built on one of these and no number names no candidate ("it was probably some
# explorer", "mohu jen odhadovat, že to byl některý z členů kapely"): it is no attempt.
INDEFINITE: list[str] = [
    r"\b(?:some(?:one|body|thing|where|time)?|one of|a certain)\b",
    r"\b(?:nějak\w*|někdy|některý\w*|některá|některé|něco|někde|někdo|jeden z|jedna z|jedno z)\b",
    r"\b(?:как\w*-то|когда-то|кто-то|где-то|что-то|некотор\w*|один из)",
    r"\b(?:irgend\w*|einige\w*|eine[rs]? der)\b",
    r"\b(?:quelque\w*|un certain|une certaine|l'une? des)\b",
    r"\b(?:algún|alguna|algunos|algunas|alguien|uno de|una de)\b",
    r"某|什么|いつか|何らかの|どこか|誰か",
]
