"""Voices: the people a text quotes or paraphrases, with where they speak.

A voice is a person the text lets speak: a name next to a verb of saying ("argues", "warns", "claims",
"notes", "urges", "said", "according to" ...) or in a sentence with a quotation, or a name written with its
native script beside it (briefings introduce their experts that way), or the byline. For each voice:

- ``name`` and ``native`` (the native-script name wherever the text gives it, "Lu Nanquan 陆南泉");
- ``role``: the title or office ("Premier Li Keqiang", "Liu Hui 李辉, ambassador to Moscow 2009–19",
  "veteran CASS Russianist Lu Nanquan"), and ``affiliation`` when the text attaches one ("Wang Peng 王鹏
  Renmin University Chongyang Institute for Financial Studies", "Anna Berg, a professor at Leeds University");
- ``passages``: the sentences where the voice speaks (a sentence with "he argues" belongs to the voice
  last named), and ``mentions``, every place the name (or the surname alone, once the full name is known)
  is written.

Unnamed voices ("Chinese officials", "respected voices in China") are voices too, with ``group`` set.
Names are matched, not looked up: no model, no gazetteer of people.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .names import _CJK, _ROMAN, _ROMAN4, _STOP, NameMention, _clean, find_names
from .sentences import Sentences
from .spans import SpanSet

__all__ = ["Voice", "find_voices", "SPEECH"]

_SPEECH_WORDS = (
    "argue argues argued arguing warn warns warned warning claim claims claimed claiming note notes noted "
    "noting urge urges urged urging say says said saying add adds added emphasise emphasises emphasised "
    "emphasize emphasizes emphasized insist insists insisted believe believes believed feel feels felt "
    "contend contends contended suggest suggests suggested stress stresses stressed explain explains "
    "explained observe observes observed predict predicts predicted caution cautions cautioned maintain "
    "maintains maintained assert asserts asserted concede concedes conceded acknowledge acknowledges "
    "acknowledged told tells tell write writes wrote hail hails hailed hailing recall recalls recalled "
    "point points pointed describe describes described reckon reckons reckoned conclude concludes concluded "
    "admit admits admitted counter counters countered agree agrees agreed disagree disagrees disagreed "
    "remark remarks remarked declare declares declared announce announces announced comment comments "
    "commented reply replies replied doubt doubts doubted fear fears feared expect expects expected "
    "forthright"
).split()
SPEECH = r"(?:" + "|".join(sorted(set(_SPEECH_WORDS), key=len, reverse=True)) + r")"
_SPEECH_RX = re.compile(rf"\b(?:{SPEECH})\b|\baccording\s+to\b|\bin\s+(?:his|her|their)\s+(?:view|words)\b"
                        rf"|\bis\s+of\s+the\s+view\b|\bas\s+(?:claimed|argued|noted|put)\s+by\b")
_QUOTE_RX = re.compile(r"[“‘\"'][^“”‘’\"\n]{8,}?[”’\"']")
_VERB_THEN_NAME = re.compile(rf"\b(?:{SPEECH}|according\s+to|claimed\s+by|argued\s+by)\s+(?P<pre>(?:[A-Z][a-z]+['’]s\s+)?"
                             rf"(?:[a-z]+,?\s+){{0,3}}(?:[A-Z]{{2,6}}\s+)?(?:[A-Z][a-z]+ist\s+)?,?\s*)(?P<name>{_ROMAN4})")
_NAME_THEN_VERB = re.compile(rf"(?P<name>{_ROMAN4}),?\s+(?:(?:has|had|also|recently|once|then|further)\s+)?"
                             rf"(?:{SPEECH})\b")
_SURNAME_VERB = re.compile(rf"\b(?:(?:{SPEECH})\s+(?P<a>[A-Z][a-z]+)\b|(?P<b>[A-Z][a-z]+)\s+(?:{SPEECH})\b)")
_PRONOUN_SPEAKS = re.compile(rf"\b(?:[Hh]e|[Ss]he)\s+(?:(?:also|recently|then|further|once|has|had)\s+)?(?:{SPEECH})\b"
                             rf"|\b(?:{SPEECH})\s+(?:he|she)\b")
_GROUP = re.compile(r"\b(?P<g>(?:[A-Z][a-z]+|respected|senior|leading|many|some|few|fewer|several|western|"
                    r"local|foreign|government|party|military|prominent|Russian|Chinese)\s+"
                    r"(?:(?:Russian|Chinese|American|European|Western|government|party|state|foreign|"
                    r"security|military|policy|independent)\s+)?(?:officials|voices|experts|analysts|observers|"
                    r"commentators|scholars|diplomats|economists|critics))(?P<in>\s+in\s+[A-Z][a-z]+)?\b")
_OFFICIAL = re.compile(r"(?i)premier|president|minister|ambassador|spokes|mayor|official|diplomat|governor|"
                       r"secretary|chancellor|envoy|senator|deputy|director-general|king|queen")
_ROLE_WORD = re.compile(
    r"(?i)\b(?:ambassador|observer|professor|director|fellow|research(?:er)?|analyst|expert|scholar|economist|"
    r"minister|official|spokes(?:man|woman|person)|editor|columnist|chair(?:man|woman)?|head|dean|advis[eo]r|"
    r"president|chief|correspondent|commentator|lecturer|diplomat|journalist|author|founder|veteran|premier|"
    r"secretary|envoy|mayor|governor|general|adviser|strategist|historian|specialist|[a-z]+ist|"
    r"[a-z]+ian)\b")
_CONNECTOR = {"of", "and", "for", "the", "on", "de", "&"}
_BYLINE = re.compile(rf"^[ \t]*(?:[•·\-–—*]+[ \t]*|[Bb]y[ \t]+)?(?P<name>{_ROMAN})[ \t]*$", re.M)


@dataclass
class Voice:
    name: str
    native: str | None = None
    role: str = ""
    affiliation: str = ""
    voice: str = "expert"  # expert | official | author | commentator
    group: bool = False
    mentions: list[tuple[int, int]] = field(default_factory=list)
    passages: list[tuple[int, int]] = field(default_factory=list)  # the sentences where the voice speaks

    @property
    def start(self) -> int:
        spans = self.passages or self.mentions
        return min(s for s, _ in spans) if spans else 0


def _org_run(words: list[str]) -> tuple[str, int]:
    """The capitalised run (with 'of', 'and', 'for' inside) at the start of ``words``, and its length."""
    run: list[str] = []
    for w in words:
        if run and re.fullmatch(r"\([A-Z]{2,6}\)", w):
            run.append(w)  # "Chinese Academy of Social Sciences (CASS) Institute of American Studies"
            continue
        bare = w.strip(",.;:()|")
        if not bare:
            break
        if bare[0].isupper() or (bare in _CONNECTOR and run):
            run.append(bare)
            if bare != w:  # punctuation ends the run
                break
        else:
            break
    while run and run[-1] in _CONNECTOR:
        run.pop()
    return " ".join(run), len(run)


def _after(text: str, end: int, limit: int) -> tuple[str, str]:
    """(affiliation, role) written right after a name: 'Renmin University ... Studies', '| X director',
    ', ambassador to Moscow 2009–19'."""
    tail = text[end:min(limit, end + 200)]
    tail = re.split(r"[.;\n]|,(?!\d)", tail.lstrip(" \t,|"), maxsplit=1)[0] if tail.strip() else ""
    header = text[end:end + 4].lstrip(" \t").startswith("|")
    words = tail.split()
    if not words:
        return "", ""
    aff, n = _org_run(words)
    if n and len(aff.split()) == 1 and not header and aff not in ("CASS",):
        aff, n = "", 0  # one capitalised word after a name is the next sentence's subject, not an affiliation
    rest = words[n:]
    role_words: list[str] = []
    for w in rest[:7]:
        if re.match(r"(?:is|are|was|were|has|had|says|said|argues|warns|claims|notes|urges|will|would|can|"
                    r"who|which|that)$", w):
            break
        role_words.append(w)
    role = " ".join(role_words) if (header or not aff) and len(role_words) <= 6 else ""
    if not _ROLE_WORD.search(role):
        role = ""
    if aff and not header and not re.search(r"University|Institute|Academy|Centre|Center|School|College|"
                                            r"Council|Ministry|Foundation|Studies|Bank|Agency|Office|Group|"
                                            r"Committee|Association|Society|Commission|Party|Organi[sz]ation|"
                                            r"Forum|Times|News|Post|Journal|Review|Press", aff):
        return "", role
    return aff, role.strip(" ,")


_APPOSITIVE = re.compile(r",?[ \t]*,[ \t]+(?:an?[ \t]+|the[ \t]+)?(?P<role>(?:(?!(?:at|of|with|from|in)\b)[a-z-]+[ \t]+){0,3}"
                         r"(?!(?:at|of|with|from|in)\b)[a-z-]+)(?:[ \t]+(?:at|of|with|from|in)[ \t]+(?:the[ \t]+)?(?P<org>[A-Z][\w’'-]*(?:[ \t]+(?:of|and|for|"
                         r"on|the|[A-Z][\w’'-]*))*))?")


def _appositive(text: str, end: int) -> tuple[str, str]:
    """(role, affiliation) from ', a professor at Leeds University' right after a name."""
    m = _APPOSITIVE.match(text, end, min(len(text), end + 160))
    if not m or not _ROLE_WORD.search(m.group("role")):
        return "", ""
    org = (m.group("org") or "").strip()
    org = re.sub(r"(?:[ \t]+(?:of|and|for|on|the))+$", "", org)
    return m.group("role"), org


def _before(text: str, start: int, sentence_start: int) -> str:
    """A role written just before a name after a verb of saying: 'warns veteran CASS Russianist Lu Nanquan'."""
    head = text[max(sentence_start, start - 60):start]
    appositive = re.search(r"(?:\b(?P<who>[A-Z][a-z]+)['’]s\s+)?(?P<role>(?:[a-z]+\s+){0,3}[a-z]+),\s+$", head)
    if appositive and _ROLE_WORD.search(appositive.group("role")):
        # "said Azerbaijan's transport minister, Rauf Aliyev": the role, and whose
        return appositive.group("role")
    m = re.search(rf"(?:\b(?:{SPEECH})\b|,)\s+((?:[a-z]+\s+){{0,2}}(?:[A-Z]{{2,6}}\s+)?(?:[A-Z][a-z]+ist\s+)?)$",
                  head)
    if not m:
        return ""
    role = re.sub(rf"^(?:(?:{SPEECH})\s+)+", "", m.group(1).strip())
    if not _ROLE_WORD.search(role):
        return ""
    if not role or role.split()[0] in ("the", "a", "an", "and", "but", "as", "by", "to", "of"):
        return ""
    return role


def find_voices(text: str, names: list[NameMention] | None = None,
                sentences: Sentences | None = None) -> list[Voice]:
    """The voices of ``text``, in order of where they first speak or are introduced."""
    if not text:
        return []
    sentences = sentences or Sentences(text)
    names = find_names(text) if names is None else names
    people: dict[str, Voice] = {}
    spots: list[tuple[int, int, str]] = []  # (start, end, name) of every mention
    taken = SpanSet()

    def person(name: str) -> Voice:
        v = people.get(name)
        if v is None:
            v = people[name] = Voice(name)
        return v

    for n in names:
        v = person(n.name)
        v.mentions.append((n.start, n.end))
        spots.append((n.start, n.end, n.name))
        taken.add(n.start, n.end)
        if n.native and not v.native:
            v.native = n.native
        if n.title and not v.role:
            v.role = n.title
        if n.native:
            s0, _ = sentences.around(n.start)
            _, s1 = sentences.around(n.end)
            aff, role = _after(text, n.end, len(text))
            if aff and not v.affiliation:
                v.affiliation = aff
            if role and (not v.role or v.role == n.title):
                v.role = role
            pre = _before(text, n.start, s0)
            if pre and not v.role:
                v.role = pre
    # names beside a verb of saying that find_names did not know (no native script, no title)
    for rx in (_VERB_THEN_NAME, _NAME_THEN_VERB):
        for m in rx.finditer(text):
            raw = m.group("name")
            name = _clean(raw)
            if not name or taken.contains_start(m.start("name")):
                continue
            if re.search(r"[A-Z]{2,}|University|Institute|Council|Ministry|Bank", name):
                continue
            off = m.start("name") + raw.index(name)
            v = person(name)
            v.mentions.append((off, off + len(name)))
            spots.append((off, off + len(name), name))
            taken.add(off, off + len(name))
            if not v.role:
                s0, _ = sentences.around(off)
                v.role = _before(text, off, s0)
            if rx is _VERB_THEN_NAME and not v.role:
                pre = m.group("pre").strip(" ,")
                if pre and _ROLE_WORD.search(pre) and pre.split()[0] not in ("the", "a", "an", "and", "but", "as", "by", "to", "of"):
                    v.role = pre
    # the byline: a line holding only a name, near the start or the end
    lines = list(_BYLINE.finditer(text))
    for m in lines:
        if m.start() > 400 and m.end() < len(text) - 400:
            continue
        name = _clean(m.group("name"))
        if not name:
            continue
        v = person(name)
        v.voice = "author"
        v.role = v.role or "author"
        span = (m.start("name"), m.start("name") + len(name))
        v.mentions.append(span)
        v.passages.append(sentences.around(span[0]))
        spots.append((*span, name))
        taken.add(*span)
    # surnames alone, once the full name is known: "adds Huang", "Xing works mainly on ..."
    by_surname: dict[str, set[str]] = {}
    for name, v in people.items():
        parts = name.split()
        surname = parts[0] if (v.native and _CJK.search(v.native)) else parts[-1]
        by_surname.setdefault(surname, set()).add(name)
    surnames = {s: next(iter(ns)) for s, ns in by_surname.items() if len(ns) == 1 and s not in _STOP}
    if surnames:
        rx = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in sorted(surnames, key=len, reverse=True))
                        + r")\b(?![ \t]+[A-Z][a-z])")
        for m in rx.finditer(text):
            if taken.contains_start(m.start()):
                continue
            name = surnames[m.group(0)]
            people[name].mentions.append((m.start(), m.end()))
            spots.append((m.start(), m.end(), name))
            taken.add(m.start(), m.end())
    spots.sort()

    # where each voice speaks: sentences with a verb of saying or a quotation, given to the nearest name
    spot_starts = [s for s, _, _ in spots]

    def nearest(sent: tuple[int, int], at: int) -> str | None:
        lo = bisect.bisect_left(spot_starts, sent[0])
        hi = bisect.bisect_left(spot_starts, sent[1])
        inside = [(abs(((s + e) // 2) - at), nm) for s, e, nm in spots[lo:hi]]
        return min(inside)[1] if inside else None

    cues: dict[int, int] = {}
    for m in _SPEECH_RX.finditer(text):
        i = sentences.index_of(m.start())
        cues.setdefault(i, m.start())
    for m in _QUOTE_RX.finditer(text):
        i = sentences.index_of(m.start())
        cues.setdefault(i, m.start())
    spoken: dict[str, list[tuple[int, int]]] = {}
    for i in sorted(cues):
        sent = sentences.spans[i]
        who = nearest(sent, cues[i])
        if who is None and _PRONOUN_SPEAKS.search(text, sent[0], sent[1]):
            # "he argues": the person last named, at most three sentences before
            k = bisect.bisect_left(spots, (sent[0], -1, "")) - 1
            if k >= 0 and i - sentences.index_of(spots[k][0]) <= 3:
                who = spots[k][2]
        if who is None:
            continue
        spoken.setdefault(who, []).append(sent)
    for name, spans in spoken.items():
        people[name].passages.extend(spans)
    for v in people.values():
        v.passages = sorted(set(v.passages))
        v.mentions = sorted(set(v.mentions))
        if not v.role or not v.affiliation:  # "Anna Berg, a professor at Leeds University"
            for s, e in v.mentions[:3]:
                role, org = _appositive(text, e)
                if role:
                    v.role = v.role or role
                    v.affiliation = v.affiliation or org
                    break
        if v.voice != "author" and _OFFICIAL.search(v.role or ""):
            v.voice = "official"
    out = [v for v in people.values() if v.passages or v.native]
    for v in out:
        if not v.passages:  # introduced with the native name (a header or a bio): its sentence is the passage
            v.passages = [sentences.around(v.mentions[0][0])]
    # unnamed voices
    groups: dict[str, Voice] = {}
    for m in _GROUP.finditer(text):
        phrase = m.group(0)
        i = sentences.index_of(m.start())
        first = phrase.split()[0]
        if first in ("The", "These", "Those", "Its", "Their", "Our", "Such", "Other", "Both", "All", "Many",
                     "Some", "Most", "Several", "Few", "Fewer", "Top", "Senior") and len(phrase.split()) == 2:
            continue
        label = re.sub(r"^(?:fewer|few|many|some|several)\s+", "", phrase)  # "fewer Russian voices"
        key = label.lower()
        g = groups.get(key)
        if g is None:
            g = groups[key] = Voice(label[0].upper() + label[1:], voice="commentator", group=True)
            if re.search(r"official|diplomat", label):
                g.voice = "official"
        g.mentions.append((m.start(), m.end()))
        g.passages.append(sentences.spans[i])
    out.extend(groups.values())
    out.sort(key=lambda v: v.start)
    return out
