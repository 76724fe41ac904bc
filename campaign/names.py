"""Members' names: the one rule every path applies (CLI, admin screens, import, demo), and the pinyin keys for
finding a member without a Chinese input method, computed once when a member is saved.

Keys hold every reading of a name, space-separated, the name reading first: 曾桂英 has ``"zengguiying
cengguiying"`` and ``"zgy cgy"``. pypinyin has no surname mode (its issues #120, #297), so a surname table gives
the reading of surnames read differently in names (曾 zeng, 单 shan, 解 xie, ...) and of compound surnames.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from .errors import Refused

_NON_ALNUM = re.compile(r"[^0-9a-z]")
_SPACES = re.compile(r"\s+")

#: Every name is cut to this many characters (a roster name, not a text).
MAX_NAME = 200
#: Readings kept per name at most (a name of four characters with two readings each is 16).
MAX_READINGS = 32

#: Surnames read differently (or also differently) in names than pypinyin's first reading.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "曾": ("zeng",),
    "单": ("shan",),
    "解": ("xie",),
    "仇": ("qiu",),
    "区": ("ou",),
    "查": ("zha",),
    "朴": ("piao",),
    "覃": ("qin", "tan"),
    "翟": ("zhai", "di"),
    "乐": ("yue", "le"),
    "盖": ("ge", "gai"),
    "缪": ("miao",),
    "秘": ("bi",),
    "种": ("chong",),
    "员": ("yun", "yuan"),
    "句": ("gou",),
    "折": ("she",),
    "召": ("shao",),
    "繁": ("po",),
    "蕃": ("pi",),
    "隗": ("wei", "kui"),
    "宓": ("mi", "fu"),
    "佴": ("nai",),
    "能": ("nai",),
    "尉": ("wei", "yu"),
    "祭": ("zhai",),
    "柏": ("bai",),
    "薄": ("bo",),
    "牟": ("mou", "mu"),
    "莘": ("shen", "xin"),
    "郇": ("huan", "xun"),
    "重": ("chong",),
    "长": ("chang",),
    "藏": ("zang",),
    "纪": ("ji",),
    "任": ("ren",),
    "华": ("hua",),
    "过": ("guo",),
    "黑": ("he", "hei"),
    "沈": ("shen",),
    "石": ("shi",),
    "曲": ("qu",),
    "车": ("che",),
    "贲": ("ben", "bi"),
    "厍": ("she",),
    "阚": ("kan",),
    "眭": ("sui",),
    "逄": ("pang",),
    "那": ("na",),
    "费": ("fei", "bi"),
    "蔚": ("yu", "wei"),
    "褚": ("chu",),
    "都": ("du",),
    "燕": ("yan",),
    "冯": ("feng",),
    "洗": ("xian",),
    "冼": ("xian",),
    "朝": ("chao", "zhao"),
    "相": ("xiang",),
    "应": ("ying",),
    "便": ("pian",),
    "啜": ("chuai",),
}

#: Compound surnames and their reading in names, syllable by syllable.
COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "ou yang",
    "诸葛": "zhu ge",
    "司马": "si ma",
    "上官": "shang guan",
    "东方": "dong fang",
    "皇甫": "huang fu",
    "尉迟": "yu chi",
    "公孙": "gong sun",
    "慕容": "mu rong",
    "令狐": "ling hu",
    "长孙": "zhang sun",
    "宇文": "yu wen",
    "司徒": "si tu",
    "司空": "si kong",
    "夏侯": "xia hou",
    "轩辕": "xuan yuan",
    "端木": "duan mu",
    "独孤": "du gu",
    "南宫": "nan gong",
    "西门": "xi men",
    "闻人": "wen ren",
    "万俟": "mo qi",
    "澹台": "tan tai",
    "公冶": "gong ye",
    "太叔": "tai shu",
    "申屠": "shen tu",
    "呼延": "hu yan",
    "赫连": "he lian",
    "单于": "chan yu",
    "百里": "bai li",
    "东郭": "dong guo",
    "公羊": "gong yang",
    "濮阳": "pu yang",
    "淳于": "chun yu",
    "钟离": "zhong li",
    "宗政": "zong zheng",
    "拓跋": "tuo ba",
    "仲孙": "zhong sun",
    "左丘": "zuo qiu",
    "谷梁": "gu liang",
    "第五": "di wu",
    "乐正": "yue zheng",
    "梁丘": "liang qiu",
    "巫马": "wu ma",
    "公西": "gong xi",
    "漆雕": "qi diao",
    "壤驷": "rang si",
    "公良": "gong liang",
    "段干": "duan gan",
    "司寇": "si kou",
    "亓官": "qi guan",
    "羊舌": "yang she",
    "微生": "wei sheng",
}

# -- the name rule ---------------------------------------------------------------------------------------------

#: Unicode categories never allowed in a name: controls (ESC, NUL, newline, ...), format characters (bidi
#: overrides and isolates, zero-width characters), line/paragraph separators, private use, surrogates, unassigned.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0003134f"


def describe_char(ch: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: a character named for a message (controls have no Unicode name)."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}".rstrip()


def normalize_name(name: str, *, code: str = "") -> str:
    """The name as stored: NFKC (full-width letters and spaces become ordinary ones), blanks trimmed and collapsed,
    and the padding between Chinese characters removed (李　红, 李 红 → 李红).

    Refused, with the character and its position: control and format characters (escape sequences, bidi
    overrides, zero-width characters), an empty name, a name over :data:`MAX_NAME` characters.
    """
    for position, ch in enumerate(name, start=1):
        if unicodedata.category(ch) in REFUSED_CATEGORIES:
            raise Refused("names.bad_char", code=code, char=describe_char(ch), position=position)
    text = unicodedata.normalize("NFKC", name)
    for position, ch in enumerate(text, start=1):
        if unicodedata.category(ch) in REFUSED_CATEGORIES:  # pragma: no cover - NFKC makes none from allowed ones
            raise Refused("names.bad_char", code=code, char=describe_char(ch), position=position)
    text = _SPACES.sub(" ", text).strip()
    if " " in text:
        parts = text.split(" ")
        out = parts[0]
        for part in parts[1:]:
            joined_han = out and part and _is_han(out[-1]) and _is_han(part[0])
            out += part if joined_han else " " + part
        text = out
    if not text:
        raise Refused("roster.name_empty", code=code)
    if len(text) > MAX_NAME:
        raise Refused("roster.name_too_long", code=code, limit=MAX_NAME)
    return text


def normalize_school(name: str) -> str:
    """A school name as stored: NFKC, blanks trimmed and collapsed; control and format characters refused (naming
    the character and where), at most :data:`MAX_NAME` characters."""
    for position, ch in enumerate(name, start=1):
        if unicodedata.category(ch) in REFUSED_CATEGORIES:
            raise Refused("names.school_bad_char", char=describe_char(ch), position=position)
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip()
    if len(text) > MAX_NAME:
        raise Refused("names.school_too_long", limit=MAX_NAME)
    return text


def check_pin_digits(pin: str) -> bool:
    """A PIN is 4 to 8 ASCII digits (``'²³⁴⁵'`` and full-width digits cannot be typed at the kiosk)."""
    return 4 <= len(pin) <= 8 and all("0" <= ch <= "9" for ch in pin)


# -- pinyin keys -------------------------------------------------------------------------------------------------


def _char_readings(ch: str) -> list[str]:
    from pypinyin import Style, pinyin  # loaded only when a member is saved, never at the kiosk

    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="default")
    readings = [_NON_ALNUM.sub("", r.lower()) for r in (found[0] if found else [])]
    return list(dict.fromkeys(r for r in readings if r))


def _segments(name: str) -> list[list[str]]:
    """Each position of the name with its readings, preferred first: compound or single surname readings first, then
    pypinyin's reading in context, then every other reading of the character."""
    from pypinyin import Style, lazy_pinyin

    text = name.lower()
    segments: list[list[str]] = []
    start = 0
    compound = COMPOUND_SURNAMES.get(text[:2])
    if compound is not None:
        segments.extend([syllable] for syllable in compound.split())
        start = 2
    elif text[:1] in SURNAME_READINGS:
        segments.append([*SURNAME_READINGS[text[0]], *_char_readings(text[0])])
        start = 1
    rest = text[start:]
    context = lazy_pinyin(rest, style=Style.NORMAL, errors="ignore")
    han_index = 0
    i = 0
    while i < len(rest):
        ch = rest[i]
        if _is_han(ch):
            preferred = [context[han_index]] if han_index < len(context) else []
            segments.append([*preferred, *_char_readings(ch)])
            han_index += 1
            i += 1
            continue
        j = i
        while j < len(rest) and not _is_han(rest[j]):
            j += 1
        for word in rest[i:j].split():
            word = _NON_ALNUM.sub("", word)
            if word:
                segments.append([word])
        i = j
    return [list(dict.fromkeys(s)) for s in segments if s]


def pinyin_keys(name: str) -> tuple[str, str]:
    """``("wangxiaoming", "wxm")`` for 王晓明; every reading of a polyphonic name, space-separated, the name
    reading first: ``("zengguiying cengguiying", "zgy cgy")`` for 曾桂英. Non-Chinese words are kept, lower-cased."""
    segments = _segments(name)
    if not segments:
        return "", ""
    full: dict[str, None] = {}
    initials: dict[str, None] = {}
    for combo in itertools.islice(itertools.product(*segments), MAX_READINGS):
        full["".join(combo)] = None
        initials["".join(s[0] for s in combo)] = None
    return " ".join(full), " ".join(initials)


def keys_start_with(keys: str, key: str) -> bool:
    """Whether one of the space-separated readings in ``keys`` starts with ``key``."""
    # A reading starts at the beginning or after a space, and holds no space itself: one substring search.
    return keys.startswith(key) or f" {key}" in keys


def search_key(text: str) -> str:
    """What a person typed, normalised for matching against names, pinyin keys and member codes."""
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
