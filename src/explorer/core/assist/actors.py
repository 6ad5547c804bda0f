"""Actors: countries, organisations, projects, agreements, places (and events such as the Olympic Games).

Found by what the name is made of, not by a model:

- countries, regions and capitals from a short gazetteer (``GAZETTEER``: the countries of the world under
  their usual names and short forms, and the regions and cities reporting names most), with their usual
  aliases ("US", "U.S.", "United States", "America");
- organisations: a run of capitalised words ending in (or holding) a word such as University, Institute,
  Academy, Council, Ministry, Organisation, Bank, Committee, Centre, House of Representatives, Embassy...
  ("Fudan University Institute of Belt and Road and Global Governance", "UN Security Council"), and a
  nationality with "embassy" or "authorities" ("the Chinese embassy", "Moscow city authorities");
- projects: "... Initiative", "... Bridge", "... Silk Road", "... pipeline", "Moscow–Kazan high-speed rail
  project", "the Power of Siberia pipeline";
- agreements: "... Treaty", "Treaty of ...", "... Act", "... Agreement", "... Accord", "... Convention";
- events: "... Games", "... Olympics", "... Summit" (capitalised);
- acronyms tied to their expansion, either way round: "SCO (Shanghai Cooperation Organisation)",
  "Chinese Academy of Social Sciences (CASS)"; the acronym's other occurrences are mentions of the same
  actor, and so are nested uses ("CASS Centre for SCO Studies" is its own actor, and mentions neither).

The same actor under several names is one ``Actor`` with ``aliases`` (the gazetteer's aliases, an acronym
and its expansion, "the Heilongjiang Bridge" and "Heilongjiang Bridge").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .sentences import Sentences
from .spans import SpanSet

__all__ = ["Actor", "find_actors", "acronyms", "GAZETTEER"]


@dataclass
class Actor:
    name: str
    kind: str  # country | organisation | project | agreement | place | event | person | group
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.mentions[0][0] if self.mentions else 0


def _lines(block: str) -> list[list[str]]:
    return [[p.strip() for p in line.split("|")] for line in block.strip().splitlines() if line.strip()]


# name | aliases...   (countries first, then places)
_COUNTRIES = _lines("""
Afghanistan
Albania
Algeria
Angola
Argentina
Armenia
Australia
Austria
Azerbaijan
Bangladesh
Belarus
Belgium
Bolivia
Bosnia and Herzegovina
Brazil
Bulgaria
Cambodia
Canada
Chile
China|PRC|People's Republic of China
Colombia
Croatia
Cuba
Cyprus
Czech Republic|Czechia
Denmark
Egypt
Estonia
Ethiopia
Finland
France
Georgia
Germany
Greece
Hungary
Iceland
India
Indonesia
Iran
Iraq
Ireland
Israel
Italy
Japan
Jordan
Kazakhstan
Kenya
Kyrgyzstan
Laos
Latvia
Lebanon
Libya
Lithuania
Malaysia
Mexico
Moldova
Mongolia
Morocco
Myanmar|Burma
Nepal
Netherlands
New Zealand
Nigeria
North Korea|DPRK|Pyongyang
Norway
Pakistan
Philippines
Poland
Portugal
Qatar
Romania
Russia|Russian Federation
Saudi Arabia
Serbia
Singapore
Slovakia
Slovenia
South Africa
South Korea|Republic of Korea|ROK
Spain
Sri Lanka
Sudan
Sweden
Switzerland
Syria
Taiwan
Tajikistan
Thailand
Turkey|Türkiye
Turkmenistan
Ukraine
United Arab Emirates|UAE
United Kingdom|UK|U.K.|Britain|Great Britain
United States|US|U.S.|USA|U.S.A.|America|Washington
Uzbekistan
Venezuela
Vietnam|Viet Nam
Yemen
""")
_PLACES = _lines("""
Arctic
Antarctic
Siberia
Greenland
Middle East
Central Asia
East Asia
South Asia
Southeast Asia
Asia-Pacific
Asia
Europe
Eastern Europe
Western Europe
Africa
Latin America
Caucasus
Balkans
Baltic
Black Sea
South China Sea
East China Sea
Pacific
Atlantic
Indian Ocean
Far East|Russian Far East
Crimea
Xinjiang
Tibet
Hong Kong
Heilongjiang
Vladivostok
Blagoveshchensk
Heihe
Harbin
Shanghai
Beijing
Moscow
London
Paris
Berlin
Brussels
Tokyo
Seoul
Delhi|New Delhi
Kyiv|Kiev
Minsk
Tehran
Ankara
Astana
Tashkent
Geneva
Vienna
Kazan
St Petersburg|Saint Petersburg|St. Petersburg
Kabul
Tirana
Algiers
Luanda
Buenos Aires
Yerevan
Canberra
Baku
Dhaka
Sofia
Phnom Penh
Ottawa
Santiago
Bogotá|Bogota
Zagreb
Havana
Nicosia
Prague
Copenhagen
Cairo
Tallinn
Addis Ababa
Helsinki
Tbilisi
Athens
Budapest
Reykjavik
Jakarta
Baghdad
Dublin
Jerusalem
Tel Aviv
Rome
Amman
Nairobi
Bishkek
Vientiane
Riga
Beirut
Tripoli
Vilnius
Kuala Lumpur
Mexico City
Chisinau
Ulaanbaatar|Ulan Bator
Rabat
Naypyidaw
Kathmandu
Amsterdam
The Hague
Wellington
Abuja
Oslo
Islamabad
Manila
Warsaw
Lisbon
Doha
Bucharest
Riyadh
Belgrade
Bratislava
Ljubljana
Pretoria
Madrid
Colombo
Khartoum
Stockholm
Bern
Damascus
Taipei
Dushanbe
Bangkok
Ashgabat
Abu Dhabi
Hanoi
Sanaa
Caracas
Washington, D.C.
""")
GAZETTEER: dict[str, tuple[str, str]] = {}  # any name or alias -> (canonical name, kind)
for _row in _COUNTRIES:
    for _n in _row:
        GAZETTEER[_n] = (_row[0], "country")
for _row in _PLACES:
    for _n in _row:
        GAZETTEER.setdefault(_n, (_row[0], "place"))
# well-known acronyms that texts seldom expand
_KNOWN_ACRONYMS = {"UN": ("United Nations", "organisation"), "EU": ("European Union", "organisation"),
                   "NATO": ("NATO", "organisation"), "ASEAN": ("ASEAN", "organisation"),
                   "WTO": ("World Trade Organization", "organisation"), "IMF": ("International Monetary Fund",
                                                                               "organisation"),
                   "BRICS": ("BRICS", "organisation"), "OPEC": ("OPEC", "organisation"),
                   "G7": ("G7", "organisation"), "G20": ("G20", "organisation"),
                   "WHO": ("World Health Organization", "organisation")}

_CAP = r"(?:[A-Z]\.[A-Z]\.|[A-Z][A-Za-z'’\-]*)"  # "Russian", "CASS", "U.S." (one way to match: no backtracking)
_LINK = r"(?:of|and|for|on|the|de|&)"
_RUN = rf"{_CAP}(?:[ \t]+(?:{_LINK}[ \t]+)*{_CAP})*"  # capitalised words, linked by of / and / for / the
_ORG_HEAD = (r"University|Institute|Academy|Council|Ministry|Organi[sz]ation|Bank|Committee|Centre|Center|"
             r"School|College|Agency|Commission|Fund|Foundation|Federation|Union|Association|Party|Parliament|"
             r"Congress|Senate|Duma|Assembly|Court|Army|Navy|Force|Forces|Corporation|Company|Group|"
             r"Department|Office|Embassy|Government|Administration|Authority|Service|Society|Forum|Alliance|"
             r"Secretariat|Cabinet|Chamber|Board|Bureau|Times|Post|Journal|News|Agency|Exchange|Gazprom|"
             r"Rosneft|Sinopec|CNPC|Huawei")
_PROJECT_HEAD = r"Initiative|Bridge|Silk Road|Pipeline|Railway|Corridor|Port|Canal|Dam|Programme|Program|Project"
_AGREEMENT_HEAD = r"Treaty|Act|Agreement|Accord|Accords|Convention|Protocol|Charter|Declaration|Pact|Resolution"
_EVENT_HEAD = r"Games|Olympics|Summit|Expo|World Cup|War|Crisis|Revolution"

_RUN_RX = re.compile(rf"(?<![A-Za-z0-9’'])(?:[Tt]he[ \t]+)?(?P<run>{_RUN})")
_PROJECT_LOWER = re.compile(
    r"\b(?P<name>(?:[A-Z][a-z]+(?:[–—-][A-Z][a-z]+)?)(?:[ \t]+of[ \t]+[A-Z][a-z]+)?(?:[ \t]+[a-z][a-z-]*){0,3}"
    r"[ \t]+(?:pipeline|railway|rail[ \t]+project|rail[ \t]+line|bridge|corridor|project|port|dam|canal|terminal|"
    r"airport|power[ \t]+plant|plant|mine|refinery))\b")
_NATIONAL_BODY = re.compile(
    r"\b(?:[Tt]he[ \t]+)?(?P<name>(?:[A-Z][a-z]+)(?:[ \t]+city)?[ \t]+(?:embassy|authorities|consulate|"
    r"foreign[ \t]+ministry|government))\b")
# groups and places named by a capitalised qualifier and a plural ("Western countries", "Baltic states",
# "Far Eastern ports"), parties by their members ("Republicans"), talks by their format ("six-party talks"),
# and the pandemic under its usual names
_GROUPS = re.compile(r"\b(?P<name>(?:[A-Z][a-z]+[ \t]+){0,2}[A-Z][a-z]+[ \t]+(?:countries|states|nations|republics|"
                     r"allies|partners|powers|monarchies|democracies)|Republicans|Democrats|Conservatives|"
                     r"Liberals|Communists|Socialists|Greens|[a-z]+-party[ \t]+talks)\b")
_PLACES_LOWER = re.compile(r"\b(?P<name>(?:[A-Z][a-z]+[ \t]+){0,2}[A-Z][a-z]+[ \t]+(?:ports|provinces|regions|"
                           r"territories|borderlands))\b")
_EVENTS_LOWER = re.compile(r"(?i:\b(?P<name>covid-19|covid|coronavirus[ \t]+pandemic|coronavirus))\b")
_EVENT_NAMES = {"covid-19": "COVID-19", "covid": "COVID", "coronavirus pandemic": "Coronavirus pandemic",
                "coronavirus": "Coronavirus pandemic"}
_ACRONYM_AFTER = re.compile(r"\((?P<acr>[A-Z][A-Za-z]{1,7})\)")
_RUN_AT_END = re.compile(rf"(?P<exp>{_RUN})[ \t]*$")
_ACRONYM_BEFORE = re.compile(rf"\b(?P<acr>[A-Z]{{2,8}})[ \t]*\((?P<exp>{_RUN})\)")
_ACRONYM_WORD = re.compile(r"\b[A-Z]{2,6}\b")
_NOT_ACRONYM = frozenset("I II III IV VI OK TV PM AM CEO GDP COVID AIDS HIV SARS ID PDF FAQ USD RMB CNY GMT UTC "
                         "AI IT PR HQ VIP NB PS".split())
_SMALL = {"of", "and", "for", "on", "the", "de", "&", "in", "to", "a", "an"}
_LEAD_STOP = frozenset("""The A An This That These Those It Its In On At For From With By Of And But Or Yet So If
When While As Although Though However Therefore Meanwhile Moreover Since Until After Before During Despite
Both Each Every Some Many Most Few Officially Politically Judging Given Among Once Unsurprisingly Worse Rather
Improving Back True Yet Nearly Avoiding Authorising Coinciding Resolutely Trained Increasing Cooperation
January February March April May June July August September October November December""".split())


def _initials(expansion: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s\-–]+", expansion) if w and w.lower() not in _SMALL and w[0].isalpha())


def _fits(acronym: str, expansion: str) -> bool:
    """Whether the acronym's letters are the initials of the expansion's words (in order, letters skipped
    allowed only in the expansion: 'CASS' fits 'Chinese Academy of Social Sciences')."""
    letters = acronym.upper().rstrip("S") if len(acronym) > 2 and acronym.endswith("s") else acronym.upper()
    initials = _initials(expansion).upper()
    it = iter(initials)
    return bool(initials) and initials[0] == letters[0] and all(ch in it for ch in letters)


def _trim_expansion(acronym: str, expansion: str) -> str | None:
    """The shortest tail of the capitalised run before '(ACR)' that the acronym fits."""
    words = expansion.split()
    for i in range(len(words)):
        tail = " ".join(words[i:])
        if words[i].lower() in _SMALL:
            continue
        if _fits(acronym, tail) and len(_initials(tail)) <= len(acronym) + 2:
            return tail
    return None


def acronyms(text: str) -> dict[str, str]:
    """Acronyms written beside their expansion: {'SCO': 'Shanghai Cooperation Organisation', ...}."""
    found: dict[str, str] = {}
    for m in _ACRONYM_AFTER.finditer(text):
        before = _RUN_AT_END.search(text, max(0, m.start() - 160), m.start())
        if not before:
            continue
        exp = _trim_expansion(m.group("acr"), before.group("exp"))
        if exp:
            found.setdefault(m.group("acr"), exp)
    for m in _ACRONYM_BEFORE.finditer(text):
        exp = m.group("exp").strip()
        if _fits(m.group("acr"), exp):
            found.setdefault(m.group("acr"), exp)
    return found


def _kind_of(name: str) -> str | None:
    last = name.split()[-1]
    if re.search(rf"\b(?:{_AGREEMENT_HEAD})$", name) or name.startswith(("Treaty of", "Agreement on",
                                                                         "Convention on")):
        return "agreement"
    if re.search(rf"\b(?:{_PROJECT_HEAD})$", name):
        return "project"
    if re.search(rf"\b(?:{_EVENT_HEAD})$", name):
        return "event"
    if re.search(rf"\b(?:{_ORG_HEAD})\b", name) or name.endswith("House of Representatives"):
        return "organisation"
    if last in ("Studies",) and re.search(r"\b(?:Centre|Center|Institute|School)\b", name):
        return "organisation"
    return None


def _strip(run: str) -> str:
    words = run.split()
    while words and (words[0] in _LEAD_STOP or words[0].lower() in _SMALL):
        words.pop(0)
    while words and words[-1].lower() in _SMALL:
        words.pop()
    return " ".join(words)


def find_actors(text: str, sentences: Sentences | None = None,
                exclude: list[tuple[int, int]] | None = None) -> list[Actor]:
    """The actors of ``text``, in order of first mention; ``exclude`` spans (the people's names) are skipped."""
    if not text:
        return []
    exclude = sorted(exclude or [])
    actors: dict[str, Actor] = {}
    alias_of: dict[str, str] = {}  # any name -> the canonical key
    taken = SpanSet(exclude)

    def free(s: int, e: int) -> bool:
        return not taken.overlaps(s, e)

    def add(name: str, kind: str, s: int, e: int, aliases: tuple[str, ...] = ()) -> None:
        key = alias_of.get(name.lower(), name.lower())
        a = actors.get(key)
        if a is None:
            a = actors[key] = Actor(name, kind)
            alias_of[name.lower()] = key
        for al in aliases:
            if al != a.name and al not in a.aliases:
                a.aliases.append(al)
            alias_of.setdefault(al.lower(), key)
        if name != a.name and name not in a.aliases:
            a.aliases.append(name)
        a.mentions.append((s, e))
        taken.add(s, e)

    # acronyms and their expansions first: the pair is one actor
    acr = acronyms(text)
    for a, exp in acr.items():
        kind = _kind_of(exp) or ("organisation" if not GAZETTEER.get(exp) else GAZETTEER[exp][1])
        key = exp.lower()
        actors.setdefault(key, Actor(exp, kind, [a]))
        alias_of[a.lower()] = key
        alias_of[key] = key
    # named things by their head word: organisations, projects, agreements, events
    def pieces():
        # "the CASS Institute of American Studies and the SCO": two names; "Belt and Road" stays one
        for m in _RUN_RX.finditer(text):
            pos = m.start("run")
            for part in re.split(r"([ \t]+and[ \t]+the[ \t]+|[ \t]+and[ \t]+(?=[A-Z]{2,6}\b(?![ \t]+[A-Z])))",
                                 m.group("run")):
                if part and not re.fullmatch(r"[ \t]+and[ \t]+(?:the[ \t]+)?", part):
                    yield part, pos
                pos += len(part)

    for raw, at in pieces():
        run = _strip(raw)
        if not run:
            continue
        off = at + raw.index(run)
        # "... Organisation (SCO)": split off a trailing acronym
        kind = _kind_of(run)
        if kind is None:
            continue
        words = run.split()
        # cut a leading country/place name off an organisation that is the country's ("Russian" stays)
        if len(words) < 2 and kind != "organisation":
            continue
        if len(words) == 1 and words[0] in ("Council", "Institute", "University", "Government", "Party"):
            continue
        paren = re.search(r"\(([A-Z]{2,8})\)[ \t]+$", text[max(0, off - 12):off])
        if paren and paren.group(1) in acr:
            # "Chinese Academy of Social Sciences (CASS) Institute of American Studies": the CASS institute
            full = f"{acr[paren.group(1)]} ({paren.group(1)}) {run}"
            run_name = f"{paren.group(1)} {run}"
            if free(off, off + len(run)):
                add(run_name, kind, off, off + len(run), (full,))
            continue
        if not free(off, off + len(run)):
            continue
        add(run, kind, off, off + len(run))
    for rx, kind in ((_PROJECT_LOWER, "project"), (_NATIONAL_BODY, "organisation"), (_GROUPS, "group"),
                     (_PLACES_LOWER, "place"), (_EVENTS_LOWER, "event")):
        for m in rx.finditer(text):
            name = m.group("name")
            first = name.split()[0]
            if first in _LEAD_STOP:
                continue
            aliases: tuple[str, ...] = ()
            if rx is _EVENTS_LOWER:  # "COVID", "coronavirus": one actor, the pandemic, with its other names
                written = _EVENT_NAMES.get(name.lower(), name)
                name = "Coronavirus pandemic"
                aliases = (written,) if written != name else ()
            s, e = m.start("name"), m.end("name")
            if free(s, e):
                add(name, kind, s, e, aliases)
    # the gazetteer and the acronyms, wherever they stand alone
    names = sorted(set(GAZETTEER) | set(_KNOWN_ACRONYMS) | set(alias_of) - {""}, key=len, reverse=True)
    pieces = [re.escape(n) for n in names if n[:1].isupper() or n.upper() in acr]
    pieces += [re.escape(a) for a in acr]
    if pieces:
        rx = re.compile(r"(?<![\w.])(?:" + "|".join(sorted(set(pieces), key=len, reverse=True)) + r")(?![\w])")
        for m in rx.finditer(text):
            s, e = m.start(), m.end()
            if not free(s, e):
                continue
            word = m.group(0)
            if word in acr:
                exp = acr[word]
                add(exp, actors[exp.lower()].kind, s, e)
            elif word in _KNOWN_ACRONYMS:
                name, kind = _KNOWN_ACRONYMS[word]
                add(name, kind, s, e, (word,) if word != name else ())
            elif word in GAZETTEER:
                name, kind = GAZETTEER[word]
                add(name, kind, s, e, (word,) if word != name else ())
            elif word.lower() in alias_of:
                a = actors[alias_of[word.lower()]]
                add(a.name, a.kind, s, e)
    out = [a for a in actors.values() if a.mentions]
    for a in out:
        a.mentions.sort()
    out.sort(key=lambda a: a.start)
    return out
