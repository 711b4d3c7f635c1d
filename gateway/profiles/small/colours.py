"""Colours a text names: the values a field holding a colour may take (``grounding``).

A small model offered every run of a lost-property report's or a repair job's words for the item's colour takes a
name, a date or a place. Colours are a closed class of words in every language a gateway's texts come in: the
phrases of them a text writes ("dark green", "negra y naranja", "silber / blau", "anthrazit matt") and each colour
word alone are what such a field is offered.
"""

import functools
import re

from gateway.profiles.small import places

# Colour words as texts write them, in lower case: English, German, French, Spanish, Italian, Dutch, Swedish,
# Danish and Norwegian, Portuguese, Polish, Czech and Finnish - each with its common inflected forms.
_WORDS = frozenset(
    # English
    "black white red blue green yellow grey gray brown pink orange purple violet silver gold golden beige navy "
    "teal turquoise maroon burgundy cream ivory khaki olive charcoal tan bronze copper magenta lilac lavender "
    "mint coral anthracite multicoloured multicolored "
    # German
    "schwarz schwarze schwarzer schwarzes weiß weiss weiße weisse weißer weisser rot rote roter rotes blau blaue "
    "blauer blaues grün gruen grüne grüner grünes gelb gelbe gelber grau graue grauer graues braun braune brauner "
    "rosa pink lila violett silber silberne silberner silbern golden goldene anthrazit türkis beige dunkelblau "
    "hellblau dunkelgrün hellgrün dunkelgrau hellgrau dunkelrot bunt "
    # French
    "noir noire noirs noires blanc blanche blancs blanches rouge rouges bleu bleue bleus bleues vert verte verts "
    "vertes jaune jaunes gris grise grises marron brun brune rose roses violette argent argenté argentée doré "
    "dorée bordeaux kaki turquoise "
    # Spanish and Portuguese
    "negro negra negros negras blanco blanca blancos blancas rojo roja rojos rojas azul azules verde verdes "
    "amarillo amarilla gris grises marrón marron castaño castaña morado morada naranja plateado plateada dorado "
    "dorada celeste rosado rosada preto preta pretos pretas branco branca brancos brancas vermelho vermelha "
    "amarelo amarela cinza cinzento cinzenta castanho castanha roxo roxa laranja prateada dourado dourada "
    # Italian
    "nero nera neri nere bianco bianca bianchi bianche rosso rossa rossi rosse blu azzurro azzurra verdi giallo "
    "gialla grigio grigia grigi grigie marrone marroni arancione viola argento argentato argentata dorato dorata "
    "dorati "
    # Dutch
    "zwart zwarte wit witte rood rode blauw blauwe groen groene geel gele grijs grijze bruin bruine roze oranje "
    "paars paarse zilver zilveren goud gouden donkerblauw lichtblauw "
    # Swedish, Danish, Norwegian
    "svart svarta svart vit vita vitt röd röda rött blå blått grön gröna grönt gul gula gult grå grått brun bruna "
    "brunt lila silver silvrig guld sort sorte hvid hvide hvit hvite rød røde grøn grønne grønn gule brune sølv "
    "gull mørkeblå lyseblå "
    # Polish
    "czarny czarna czarne czarnego biały biała białe białego czerwony czerwona czerwone niebieski niebieska "
    "niebieskie zielony zielona zielone żółty żółta żółte szary szara szare brązowy brązowa brązowe różowy "
    "różowa różowe fioletowy fioletowa pomarańczowy pomarańczowa srebrny srebrna srebrne złoty złota złote "
    "granatowy granatowa granatowe beżowy beżowa oliwkowy oliwkowa oliwkowe "
    # Czech and Finnish
    "černý černá černé bílý bílá bílé červený červená modrý modrá modré zelený zelená žlutý žlutá šedý šedá "
    "šedé hnědý hnědá stříbrný stříbrná musta valkoinen punainen sininen vihreä keltainen harmaa ruskea hopea "
    "hopeinen".split()
)
# Words that shade a colour, before or after it ("dark green", "Midnight blue", "anthrazit matt", "gris foncé").
_SHADES = frozenset(
    "dark light pale bright deep midnight sky royal navy metallic matt matte glossy "
    "dunkel hell metallic foncé foncée clair claire métallisé oscuro oscura claro clara scuro scura chiaro chiara "
    "metallizzato metallizzata donker licht mörk ljus mørk lys ciemny ciemna jasny jasna tmavě světle".split()
)
# What joins two colours of one thing ("negra y naranja", "Green/white", "silber / blau", "black and white").
_JOINS = frozenset("and & und et y e en och og i a".split())
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|/")


def names_a_colour(field: str) -> bool:
    """Whether a field's name says it holds a colour ("colour", "color", "frame_colour")."""
    return bool(re.search(r"(?i)colou?r", field))


def colours(text: str) -> list[str]:
    """The colours ``text`` writes, in text order: each phrase of colour words whole ("negra y naranja", "dark
    green") and each colour word in it alone - those a label for a colour marks ("Farbe: blau", "Colore:
    grigio"), where it marks any."""
    found = _colours(text)
    labelled = [phrase for phrase, marked in found if marked]
    return list(dict.fromkeys(labelled or [phrase for phrase, _ in found]))


# The small words a town's name follows: "Ville de Bordeaux", "based in Orange", "aus Lila".
_AFTER_A_PLACE_WORD = re.compile(
    r"(?i)\b(?:de|du|di|da|del|of|in|at|à|a|van|von|aus|from|to|en|i|w|z|till|nach)[ \t]+$"
)
# A label for a colour in the languages a gateway's texts come in, ending the text before a phrase.
_LABEL = re.compile(
    r"(?i)\b(?:colou?r|farbe|couleur|colore|kleur|färg|farge|farve|kolor|cor|barva|väri)[ \t]*[:=][ \t]*$"
)


@functools.lru_cache(maxsize=16)
def _colours(text: str) -> tuple[tuple[str, bool], ...]:
    """Each colour phrase and colour word, and whether a colour's label is written just before its phrase."""
    found: list[tuple[str, bool]] = []
    tokens = list(_TOKEN.finditer(text))
    index = 0
    while index < len(tokens):
        first = index
        while first < len(tokens) and _kind(tokens[first].group()) == "shade":
            first += 1  # shades before a colour
        if first >= len(tokens) or _kind(tokens[first].group()) != "colour" or _apart(text, tokens, index, first):
            index += 1
            continue
        last = first
        while True:
            after = last + 1
            kind = _kind(tokens[after].group()) if after < len(tokens) else ""
            shaded = kind == "colour" and _kind(tokens[last].group()) == "shade"
            if (kind == "shade" or shaded) and not _apart(text, tokens, last, after):
                last = after  # a shade after it ("anthrazit matt"), a colour after a joined shade ("and dark blue")
                continue
            # another colour after a join: "negra y naranja", "Green/white"
            joined = after + 1
            if (
                joined < len(tokens)
                and _kind(tokens[after].group()) == "join"
                and _kind(tokens[joined].group()) in ("colour", "shade")
                and not _apart(text, tokens, last, joined)
            ):
                last = joined
                continue
            break
        phrase = text[tokens[index].start() : tokens[last].end()]
        line = text[max(0, tokens[index].start() - 80) : tokens[index].start()].rsplit("\n", 1)[-1]  # (its label)
        marked = _LABEL.search(line) is not None
        # (not a town named after "de", "in", "from": "Ville de Bordeaux", "in Orange")
        alone = first == last and phrase[:1].isupper() and _AFTER_A_PLACE_WORD.search(line) is not None
        placed = alone and bool(places.towns_in_name(phrase))
        if marked or not placed:
            found.append((phrase, marked))
            words = [token.group() for token in tokens[first : last + 1] if _kind(token.group()) == "colour"]
            found += [(word, marked) for word in words if word != phrase]
        index = last + 1
    return tuple(found)


def _kind(word: str) -> str:
    lowered = word.casefold()
    if lowered in _WORDS or ("-" in lowered and all(part in _WORDS or part in _SHADES for part in lowered.split("-"))):
        return "colour"
    if lowered in _SHADES:
        return "shade"
    if lowered in _JOINS or lowered == "/":
        return "join"
    return ""


def _apart(text: str, tokens: list[re.Match[str]], first: int, last: int) -> bool:
    """Whether anything but spaces stands between the tokens ``first`` to ``last`` (a comma, a line's end)."""
    return any(
        text[tokens[position].end() : tokens[position + 1].start()].strip(" \t") for position in range(first, last)
    )
