"""Name pools, places and facilities of the 2017–2018 border, with frequencies.

The weights are rough relative frequencies, so that the names the matcher
meets most often (JOSÉ, MARÍA, LÓPEZ, HERNÁNDEZ) are as common here as they
were in the real records, and rare names stay rare: a linkage model tuned on
uniform names would overrate a match on ``LÓPEZ``.  Names are kept in their
proper written form (mixed case, accents) and each agency's writer derives its
own form from it.
"""

from __future__ import annotations

import random
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate


class Weighted:
    """A weighted pool sampled with one ``rng.random()`` call (fast, deterministic)."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, pairs: list[tuple[str, float]]) -> None:
        self.items = tuple(p[0] for p in pairs)
        self.cum = tuple(accumulate(p[1] for p in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> str:
        """One item, drawn by weight."""
        return self.items[bisect_right(self.cum, rng.random() * self.total)]

    def __len__(self) -> int:
        return len(self.items)


def _parse(spec: str, tail: float = 1.0) -> list[tuple[str, float]]:
    """``"José:100 Juan:60 Ana"`` -> pairs; names with spaces use ``_``; no weight = ``tail``."""
    pairs = []
    for token in spec.split():
        name, _, weight = token.partition(":")
        pairs.append((name.replace("_", " "), float(weight) if weight else tail))
    return pairs


MALE_GIVEN = Weighted(
    _parse(
        """
    José:100 Juan:60 Luis:45 Carlos:40 Jorge:25 Francisco:25 Miguel:25 Jesús:22 Mario:20
    Pedro:20 Antonio:20 Manuel:20 Marvin:18 Edwin:18 Óscar:16 Wilmer:15 Kevin:15 Brayan:14
    Selvin:12 Erick:12 Cristian:12 Daniel:12 Ángel:12 Byron:10 Elmer:10 Walter:10 Henry:10
    Santos:10 Josué:10 David:10 Roberto:10 Jonathan:9 Alexander:9 Anderson:8 Ever:8 Darwin:8
    Nelson:8 Rafael:8 Ricardo:8 Fernando:8 Diego:8 Alejandro:8 Julio:8 César:8 Víctor:8
    Eduardo:7 Javier:7 Andrés:6 Héctor:6 Sebastián:6 Gabriel:6 Samuel:6 Hugo:5 Rubén:5
    Ramón:5 Mateo:5 Isaac:5 Abraham:5 Moisés:5 Gerson:5 Domingo:5 Sergio:5 Marcos:5 Martín:5
    Fredy:5 Pablo:5 Adrián:5 Elías:4 Efraín:4 Jefferson:4 Rigoberto:4 Armando:4 Cruz:4
    Gilberto:4 Gustavo:4 Leonel:4 Mauricio:4 Nery:4 Rolando:4 Tomás:4 Alfredo:4 Brandon:4
    Joel:4 Ronald:4 Santiago:4 Wilson:4 Enrique:4 Gerardo:4 Melvin:4 Raúl:4 Yeison:3
    Arnoldo:3 Baltazar:3 Hernán:3 Ismael:3 Lázaro:3 Lorenzo:3 Noé:3 Osmin:3 Saúl:3 Álvaro:3
    Bayron:3 Dennis:3 Emerson:3 Esteban:3 Germán:3 Isaías:3 Jairo:3 Lester:3 Milton:3 Axel:3
    Alan:3 Erwin:3 Franklin:3 Gaspar:3 Jaime:3 Leonardo:3 Maynor:3 Rony:3 Hilario:2 Josías:2
    Kener:2 Olvin:2 Yovani:2 Uriel:2 Dilan:2 Eber:2 Fabián:2 Ignacio:2 Misael:2 Otoniel:2
    Reyes:2 Rodrigo:2 Tito:1 Aníbal:1 Bernabé:1 Cipriano:1 Eleazar:1 Florentino:1 Jacinto:1
    Mardoqueo:1 Nahúm:1 Obed:1 Pascual:1 Rosendo:1 Teodoro:1 Wuilmer:1 Yoni:1 Zacarías:1
    Amílcar:1 Benigno:1 Crisanto:1 Dagoberto:1 Eliseo:1 Fidel:1 Heriberto:1 Lisandro:1
    """
    )
)

FEMALE_GIVEN = Weighted(
    _parse(
        """
    María:110 Ana:30 Rosa:20 Carmen:12 Sandra:12 Juana:12 Gloria:10 Marta:10 Yesenia:8
    Sonia:8 Lucía:8 Sofía:8 Andrea:8 Karen:8 Jennifer:8 Claudia:8 Elizabeth:8 Génesis:7
    Alejandra:7 Daniela:7 Guadalupe:7 Isabel:7 Dilcia:6 Glenda:6 Reina:6 Angélica:6 Blanca:6
    Brenda:6 Cristina:6 Elena:6 Esmeralda:6 Evelyn:6 Jessica:6 Karla:6 Laura:6 Luz:6
    Margarita:6 Nancy:6 Patricia:6 Dania:5 Dulce:5 Flor:5 Iris:5 Julia:5 Katherine:5
    Leticia:5 Lidia:5 Lilian:5 Magdalena:5 Maribel:5 Marisol:5 Mayra:5 Miriam:5 Norma:5
    Paola:5 Sara:5 Silvia:5 Teresa:5 Valeria:5 Verónica:5 Wendy:5 Abigail:5 Gabriela:5
    Heidy:4 Yaneth:4 Elvia:4 Delmy:4 Fátima:4 Ingrid:4 Jacqueline:4 Josefina:4 Melissa:4
    Mercedes:4 Olga:4 Petrona:4 Rebeca:4 Ruth:4 Susana:4 Yolanda:4 Alba:4 Alicia:4 Antonia:4
    Deysi:4 Estefany:4 Francisca:4 Jazmín:4 Kimberly:4 Lesly:4 Lourdes:4 Mariela:4 Rosario:4
    Vilma:4 Marleny:3 Xiomara:3 Zulma:3 Aracely:3 Candelaria:3 Catalina:3 Concepción:3
    Damaris:3 Dina:3 Emilia:3 Floridalma:3 Glendy:3 Irma:3 Juliana:3 Manuela:3 Milagro:3
    Nidia:3 Nohemí:3 Santa:3 Yasmín:3 Yoselin:3 Brisa:2 Domitila:2 Heydi:2 Amparo:1 Belén:1
    Celestina:1 Dominga:1 Eulalia:1 Filomena:1 Hermelinda:1 Ixchel:1 Jesica:1
    Marcelina:1 Noemí:1 Odilia:1 Prudencia:1 Rosalinda:1 Tránsito:1 Vicenta:1 Zoila:1
    """
    )
)

SPANISH_SURNAMES = Weighted(
    _parse(
        """
    López:100 Hernández:95 García:90 Pérez:75 Martínez:70 González:70 Rodríguez:60
    Ramírez:55 Sánchez:50 Gómez:45 Cruz:40 Morales:40 Díaz:35 Reyes:35 Flores:35 Ramos:30
    Castillo:30 Vásquez:30 Méndez:28 Ortiz:25 Gutiérrez:25 Aguilar:25 Mejía:25 Chávez:22
    Torres:22 Rivera:22 Jiménez:20 Mendoza:20 Álvarez:18 Romero:18 Juárez:18 Velásquez:18
    Domínguez:15 Castro:15 Santos:15 Escobar:14 Moreno:14 Herrera:14 Vargas:14 Alvarado:14
    Ruiz:12 Orellana:12 Maldonado:12 Rosales:12 Guzmán:12 Salazar:12 Estrada:12 Cabrera:10
    Fuentes:10 Zelaya:10 Paz:10 Portillo:10 Argueta:10 Amaya:10 Ayala:10 Bonilla:10
    Medina:10 Molina:10 Pineda:10 De_León:10 Zepeda:8 Cardona:8 Carranza:8 Contreras:8
    Cortez:8 Miranda:8 Núñez:8 Ordóñez:8 Osorio:8 Rivas:8 Sandoval:8 Solís:8 Sosa:8
    Barrios:8 Calderón:8 Espinoza:8 Figueroa:8 Guevara:8 Lara:8 Vega:8 De_la_Cruz:8
    Galdámez:6 Girón:6 Montoya:6 Navarro:6 Quintanilla:6 Valle:6 Villatoro:6 Lemus:6
    Bautista:6 Carrillo:6 Marroquín:6 Padilla:6 Pacheco:6 Palacios:6 Ríos:6 Robles:6
    Benítez:6 Ávila:6 Soto:6 Acosta:6 De_Jesús:6 Chinchilla:5 Recinos:5 Tobar:5 Funes:5
    Cano:5 Cifuentes:5 Coronado:5 Duarte:5 Oliva:5 Zavala:5 Arévalo:5 Barahona:5
    Valladares:5 Zúniga:5 Ochoa:5 Yanes:4 Hidalgo:4 Mazariegos:4 Posadas:4 Quiñónez:4
    Salguero:4 Samayoa:4 Sarmiento:4 Tejada:4 Mérida:4 Cárcamo:4 Maradiaga:4 Murillo:4
    Sorto:4 Turcios:4 Del_Cid:4 De_Paz:4 De_los_Santos:4 Deras:3 Enamorado:3 Monterroso:3
    Urrutia:3 Euceda:3 Fúnez:3 Matute:3 Raudales:3 Del_Valle:3 Vaquerano:2 Vides:2
    Alfaro:2 Bardales:2 Cáceres:2 Caballero:2 Elvir:2 Escalante:2 Fajardo:2 Godoy:2
    Hércules:1 Interiano:1 Lainez:1 Lanza:1 Mancía:1 Nolasco:1 Ordoñez:1 Palma:1 Quezada:1
    Rápalo:1 Sabillón:1 Tábora:1 Ulloa:1 Villeda:1 Xicay:1 Zamora:2 Zelada:1 Aguirre:2
    Andino:1 Barillas:1 Berganza:1 Cojulún:1 Chiroy:1 Donis:1 Galicia:1 Hurtado:1
    """
    )
)

MAYAN_SURNAMES = Weighted(
    _parse(
        """
    Pop:8 Coc:8 Choc:7 Caal:7 Xol:6 Cuc:6 Bol:6 Tzul:5 Chub:5 Ical:5 Tzoc:4 Ixcoy:4 Tiul:4
    Maquin:4 Quej:4 Xuc:3 Chen:3 Tut:3 Cac:3 Tax:3 Sic:3 Yat:3 Batz:3 Tuy:3 Coy:3 Cucul:3
    Tum:3 Chiquín:3 Ajanel:2 Tzunún:2 Ixcot:2 Chiyal:2 Quiej:2 Tzay:2 Xicará:2 Ajpop:2
    Cutzal:2 Quiacaín:2 Chox:2 Cuxil:2 Saquic:2 Tzep:2 Quixtán:2 Cux:2 Chivalán:2 Xiloj:2
    Ixim:1 Poou:1 Cuy:1 Tzi:1 Sacul:1 Caz:1 Ba:1 Cuá:1 Tecú:1 Gualim:1 Ixquiactap:1
    Chumil:1 Yac:1 Sontay:1 Tojín:1 Xitumul:1 Quib:1 Cal:1 Waqi:1 Wuqu:1
    """
    )
)

# ---------------------------------------------------------------------- the "alt" pool
# A second population (SynthConfig.name_pool = "alt"), disjoint from the pools
# above: other common Central American, Mexican and Andean given names, more
# Indigenous surnames (Nahua, Mixtec and Zapotec Mexico; Kichwa and Cañari
# Ecuador; Lenca Honduras) and other Mayan surnames.  A matcher that only works
# on the default pool (a lexicon of its names, frequencies fitted to them)
# shows it here.

ALT_MALE_GIVEN = Weighted(
    _parse(
        """
    Wilfredo:40 Alexis:35 Yonatan:30 Lenin:20 Nehemías:20 Edgar:30
    Omar:28 Iván:26 Hermelindo:6 Darío:18 Erasmo:10 Abelardo:10
    Cristóbal:14 Emanuel:22 Ezequiel:18 Geovanny:16 Jhonny:12 Kelvin:20 Luciano:10
    Marlon:24 Néstor:16 Oswaldo:18 Rudy:14 Salvador:22 Teófilo:8
    Ulises:12 Vladimir:10 Wiliam:14 Yordi:10 Abner:10 Bairon:8 Ciriaco:6 Dimas:8
    Eusebio:8 Fausto:8 Genaro:10 Horacio:8 Inocente:6 Jeremías:10 Lucas:16 Maximiliano:8
    Nicolás:18 Octavio:10 Porfirio:6 Quirino:4 Reynaldo:14 Silvestre:8 Timoteo:6 Urbano:4
    Valentín:10 Wenceslao:4 Yeferson:10 Zenón:4 Arturo:20 Benjamín:14 Camilo:12 Deybi:6
    Emilio:16 Felipe:20 Gregorio:10 Hipólito:6 Isidro:10 Joaquín:14 Leandro:10 Marcelo:10
    Norberto:8 Orlando:18 Plutarco:3 Ramiro:10 Vicente:16
    Wuilian:6 Yuri:6 Anselmo:6 Bartolomé:6 Celso:6 Demetrio:6 Efrén:8 Faustino:6
    Gumercindo:3 Higinio:4 Jacobo:6 Leopoldo:6 Macario:4 Nazario:4 Onofre:3 Próspero:3
    Rosalío:3 Serapio:3 Tiburcio:3 Ubaldo:3 Venancio:3 Wilder:8 Xavier:8
    """
    )
)

ALT_FEMALE_GIVEN = Weighted(
    _parse(
        """
    Rosmery:20 Yessica:30 Lorena:30 Marlen:24 Nelly:20
    Odalys:16 Roxana:24 Suyapa:26 Tatiana:16 Yadira:20
    Zoraida:10 Adela:14 Berta:14 Consuelo:14 Dora:18 Edith:18 Fabiola:16 Gisela:14
    Hilda:16 Inés:14 Jimena:12 Keila:12 Lilibeth:10 Mirna:20 Nelsy:10 Olivia:16
    Paula:18 Raquel:18 Stefany:14 Tania:16 Ursula:6 Vanessa:22 Yamileth:14 Zaida:8
    Amalia:10 Beatriz:16 Carolina:24 Diana:24 Erika:18 Flora:10 Graciela:12 Herminia:8
    Irene:12 Jovita:6 Lucrecia:8 Marcela:14 Natalia:16 Ofelia:8 Perla:10 Rocío:14
    Soledad:10 Tomasa:8 Virginia:10 Xochitl:8 Yanira:10 Aurelia:6 Bernarda:4 Cleotilde:4
    Dolores:10 Esperanza:12 Felícitas:4 Gumersinda:3 Hortensia:6 Ignacia:4 Justina:6
    Leonor:8 Micaela:8 Nicolasa:4 Otilia:6 Pascuala:6 Quirina:3 Rufina:6 Sebastiana:6
    Tiburcia:3 Valentina:14 Wilma:8 Zenaida:6 Anabel:10 Cindy:12
    """
    )
)

ALT_SURNAMES = Weighted(
    _parse(
        """
    Villanueva:50 Mendieta:40 Palencia:35 Arriaga:35 Barrera:40 Cordero:35 Durán:40
    Escalón:20 Fonseca:30 Gálvez:30 Hurtarte:10 Iraheta:25 Jurado:20 Leiva:35 Machado:25
    Nájera:25 Olivares:25 Pavón:25 Quevedo:15 Rendón:20 Segovia:20 Tovar:20 Umaña:25
    Vallecillo:20 Zambrano:25 Aceituno:15 Bustillo:20 Cálix:20 Discua:15 Erazo:20
    Fiallos:12 Hándal:10 Izaguirre:15 Lagos:20 Mondragón:20 Nieto:20
    Oyuela:12 Peralta:25 Sauceda:20 Trochez:15 Varela:25 Zerón:10
    Alemán:20 Bueso:15 Colindres:15 Dubón:12 Escoto:15 Guardado:20
    Henríquez:25 Irías:10 Jovel:12 Landaverde:15 Menjívar:25 Orantes:15
    Pleitez:12 Rauda:10 Serpas:12 Tejeda:15 Ventura:20 Zaldaña:10 De_la_Rosa:15
    Del_Río:10 De_la_O:8 Delgado:25 Bravo:20 Cisneros:20 Espinal:15 Franco:20 Gallardo:15
    Huerta:15 Ibarra:20 Lozano:20 Meléndez:25 Nava:15 Olmos:10 Pantoja:10 Quiroz:15
    Salinas:20 Treviño:15 Uribe:12 Villegas:15 Zapata:20 Arellano:15 Becerra:15 Cervantes:20
    Quispe:20 Guamán:20 Pichisaca:10 Tenesaca:10 Quizhpi:12 Zhunio:8 Naula:10 Duchi:8
    Morocho:12 Lema:10 Chimbo:8 Guallpa:8 Tacuri:8 Sisalima:6 Zhagui:6 Lojano:8 Yupanqui:6
    Tituaña:6 Cuautle:8 Tlatelpa:6 Tepale:6 Xicohténcatl:4 Cuatecontzi:4 Tecpanécatl:3
    Ixtlahuaca:3 Nahuatlato:2 Tzompa:4 Cuapio:4 Toxqui:4 Xochipa:3 Coyotl:4 Tlaseca:4
    Matamoros:10 Chirinos:8 Nataren:6 Mazzini:3 Posas:8 Cacho:6
    """
    )
)

ALT_MAYAN_SURNAMES = Weighted(
    _parse(
        """
    Tay:6 Sacalxot:4 Tzoy:5 Ajú:4 Chanchavac:3 Cumes:5 Ixtamer:2 Tzic:4
    Cotzajay:3 Sucuquí:2 Chuc:5 Canil:4 Tohom:4 Xoy:4 Chacaj:3 Tuyuc:4 Yaxón:3 Ajtún:3
    Ixbalán:2 Quisquiná:2 Ajcalón:2 Tumax:3 Lacán:3 Chojolán:3 Tzunux:2 Chumín:3 Boc:3
    Chitic:3 Ixcayau:2 Cuxulic:2 Sian:3 Pirir:3 Sajché:2 Ajquijay:2 Coyoy:4 Tezen:3
    Chaclán:2 Choxom:2 Sisimit:2 Ajtzalam:2 Queché:3 Colop:3 Tiney:3 Joj:4 Koj:4
    Kuk:3 Tzuj:3 Yool:2 Caj:4 Moo:3 Chel:3 Akab:2 Balam:4 Canek:3
    """
    )
)

MAYAN_SURNAME_SET = frozenset(MAYAN_SURNAMES.items) | frozenset(ALT_MAYAN_SURNAMES.items)

PARTICLE_STARTS = ("De ", "Del ")


_VOWELS = "AEIOU"


def _mayan_rules(word: str) -> list[str]:
    """Every spelling one transcription habit makes of ``word`` (UPPERCASE, no accents).

    The habits are those of agents writing Mayan-language names by ear or
    between the old Spanish-based and the unified alphabets: ``CH``/``X``/``SH``,
    long vowels written double or single (CHOC/CHOOC, CAAL/CAL), ``C``/``K``/``QU``
    for the same stop (COJ/KOJ, QUEJ/KEJ), ``TZ``/``TS``/``Z``, ``W``/``GU``/``HU``,
    a final ``J`` heard as ``H`` and a final ``Y`` written ``I``.
    """
    out: list[str] = []
    n = len(word)
    for i, ch in enumerate(word):
        nxt = word[i + 1] if i + 1 < n else ""
        head, tail = word[:i], word[i + 1 :]
        if word.startswith("CH", i):
            out.append(head + "X" + word[i + 2 :])
        elif ch == "X":
            out.append(head + "CH" + tail)
            out.append(head + "SH" + tail)
        elif ch == "C" and nxt != "H" and (nxt == "" or nxt in "AOU" or nxt not in _VOWELS):
            out.append(head + "K" + tail)
        elif ch == "K" and (nxt == "" or nxt in "AOU"):
            out.append(head + "C" + tail)
            out.append(head + "Q" + tail)
        elif ch == "K" and nxt in "EI":
            out.append(head + "QU" + tail)
        elif word.startswith("QU", i) and i + 2 < n and word[i + 2] in "EI":
            out.append(head + "K" + word[i + 2 :])
        elif word.startswith("TZ", i):
            out.append(head + "TS" + word[i + 2 :])
            out.append(head + "Z" + word[i + 2 :])
        elif ch == "W":
            out.append(head + "GU" + tail)
            out.append(head + "HU" + tail)
        elif ch == "J" and nxt == "":
            out.append(head + "H")
        elif ch == "Y" and nxt == "" and i > 0:
            out.append(head + "I")
        if ch in _VOWELS:
            if nxt == ch:
                out.append(head + tail)  # a long vowel written single
            elif (
                i > 0
                and word[i - 1] != ch
                and nxt
                and nxt not in _VOWELS
                and not any(v in tail for v in _VOWELS)
            ):
                out.append(head + ch + ch + tail)  # the last vowel, written long
    return [w for w in out if w != word and len(w) >= 2]


@lru_cache(maxsize=8192)
def mayan_spellings(word: str, steps: int = 2) -> tuple[str, ...]:
    """Other spellings of a Mayan surname: up to ``steps`` (1 or 2) transcription habits.

    One person's surname comes out several ways across the feeds (CHOC, CHOOC,
    XOC, XOOC), as it did when each agent wrote it down by ear.
    """
    first = _mayan_rules(word)
    seen = dict.fromkeys(first)
    if steps < 2:
        return tuple(seen)
    for variant in first:
        for second in _mayan_rules(variant):
            if second != word:
                seen.setdefault(second)
    return tuple(seen)


@dataclass(frozen=True, slots=True)
class Country:
    """A country of origin with each agency's spelling of it and its phone plan."""

    iso: str
    english: str
    spanish: str
    phone_prefix: str
    phone_digits: int
    localities: tuple[str, ...]


COUNTRIES = {
    "GT": Country(
        "GT",
        "Guatemala",
        "Guatemala",
        "+502",
        8,
        (
            "Huehuetenango",
            "San Marcos",
            "Quiché",
            "Alta Verapaz",
            "Cobán",
            "Quetzaltenango",
            "Chiquimula",
            "Totonicapán",
            "Petén",
            "Jutiapa",
            "Escuintla",
            "San Pedro Carchá",
        ),
    ),
    "HN": Country(
        "HN",
        "Honduras",
        "Honduras",
        "+504",
        8,
        (
            "San Pedro Sula",
            "Tegucigalpa",
            "Choluteca",
            "Olancho",
            "Copán",
            "Yoro",
            "La Ceiba",
            "Comayagua",
            "Santa Bárbara",
            "El Progreso",
            "Danlí",
        ),
    ),
    "SV": Country(
        "SV",
        "El Salvador",
        "El Salvador",
        "+503",
        8,
        (
            "San Salvador",
            "San Miguel",
            "Usulután",
            "La Libertad",
            "Sonsonate",
            "Santa Ana",
            "Ahuachapán",
            "La Unión",
            "Chalatenango",
        ),
    ),
    "MX": Country(
        "MX",
        "Mexico",
        "México",
        "+52",
        10,
        ("Guerrero", "Michoacán", "Oaxaca", "Chiapas", "Puebla", "Zacatecas", "Ciudad Juárez"),
    ),
    "EC": Country("EC", "Ecuador", "Ecuador", "+593", 9, ("Cuenca", "Azuay", "Cañar", "Quito")),
    "NI": Country("NI", "Nicaragua", "Nicaragua", "+505", 8, ("Managua", "Chinandega", "León")),
}


def country_pool(weights: tuple[float, ...]) -> Weighted:
    """Countries of origin weighed by ``SynthConfig.country_weights`` (in ``COUNTRIES`` order)."""
    return Weighted(list(zip(COUNTRIES, weights, strict=True)))


MAYAN_LANGUAGES = Weighted(_parse("K'iche':35 Q'eqchi':25 Mam:25 Kaqchikel:10 Q'anjob'al:5"))


@dataclass(frozen=True, slots=True)
class Station:
    """A Border Patrol station: where people were apprehended."""

    sector: str
    sector_code: str
    name: str
    state: str
    zone: str  # "C", "M", "P" or "AZ" (Arizona keeps standard time)
    district: str
    division: str
    district_zone: str


def _stations() -> dict[str, tuple[Station, ...]]:
    rows = [
        # sector, code, zone, district, [(station, state, division, district zone)]
        ("RIO GRANDE VALLEY", "RGV", "C", "S.D. Tex.",
         [("MCALLEN", "TX", "M"), ("WESLACO", "TX", "M"), ("HARLINGEN", "TX", "B"),
          ("BROWNSVILLE", "TX", "B"), ("FORT BROWN", "TX", "B"), ("RIO GRANDE CITY", "TX", "M"),
          ("KINGSVILLE", "TX", "B"), ("FALFURRIAS", "TX", "M")]),
        ("EL PASO", "EPT", "M", "W.D. Tex.",
         [("EL PASO", "TX", "EP"), ("YSLETA", "TX", "EP"), ("CLINT", "TX", "EP"),
          ("FORT HANCOCK", "TX", "EP"), ("SANTA TERESA", "NM", "LC"), ("LORDSBURG", "NM", "LC"),
          ("DEMING", "NM", "LC")]),
        ("SAN DIEGO", "SDC", "P", "S.D. Cal.",
         [("IMPERIAL BEACH", "CA", "SD"), ("CHULA VISTA", "CA", "SD"), ("BROWN FIELD", "CA", "SD"),
          ("BOULEVARD", "CA", "SD"), ("CAMPO", "CA", "SD")]),
        ("EL CENTRO", "ELC", "P", "S.D. Cal.", [("CALEXICO", "CA", "SD"), ("EL CENTRO", "CA", "SD")]),
        ("TUCSON", "TCA", "AZ", "D. Ariz.",
         [("NOGALES", "AZ", "TU"), ("DOUGLAS", "AZ", "TU"), ("NACO", "AZ", "TU"), ("AJO", "AZ", "TU"),
          ("CASA GRANDE", "AZ", "TU")]),
        ("YUMA", "YUM", "AZ", "D. Ariz.", [("YUMA", "AZ", "YU"), ("WELLTON", "AZ", "YU")]),
        ("LAREDO", "LRT", "C", "S.D. Tex.",
         [("LAREDO NORTH", "TX", "L"), ("LAREDO SOUTH", "TX", "L"), ("ZAPATA", "TX", "L"),
          ("COTULLA", "TX", "L")]),
        ("DEL RIO", "DRT", "C", "W.D. Tex.",
         [("DEL RIO", "TX", "DR"), ("EAGLE PASS", "TX", "DR"), ("BRACKETTVILLE", "TX", "DR"),
          ("UVALDE", "TX", "DR")]),
        ("BIG BEND", "BBT", "C", "W.D. Tex.", [("PRESIDIO", "TX", "AL"), ("ALPINE", "TX", "AL")]),
    ]  # fmt: skip
    out: dict[str, tuple[Station, ...]] = {}
    for sector, code, zone, district, stations in rows:
        built = []
        for name, state, division in stations:
            d, dz = district, zone
            if state == "NM":
                d, dz = "D.N.M.", "M"
            built.append(Station(sector, code, name, state, zone, d, division, dz))
        out[sector] = tuple(built)
    return out


STATIONS = _stations()
SECTORS = Weighted(
    _parse(
        "RIO_GRANDE_VALLEY:40 EL_PASO:20 SAN_DIEGO:8 TUCSON:8 YUMA:8 LAREDO:6 DEL_RIO:5 "
        "EL_CENTRO:3 BIG_BEND:2"
    )
)
PILOT_SECTORS = Weighted(_parse("EL_PASO:80 RIO_GRANDE_VALLEY:8 YUMA:6 TUCSON:6"))

DISTRICT_REGISTER_CODE = {
    "S.D. Tex.": "379",
    "W.D. Tex.": "380",
    "D.N.M.": "051",
    "D. Ariz.": "408",
    "S.D. Cal.": "298",
}


@dataclass(frozen=True, slots=True)
class Facility:
    """An ICE facility (code, name as ICE writes it, state)."""

    code: str
    name: str
    state: str


ICE_NEAR = {
    "RIO GRANDE VALLEY": ("PIC", "RGD", "PRL"),
    "EL PASO": ("EPC", "OTR", "CIB"),
    "SAN DIEGO": ("OTM", "IMP", "ADL"),
    "EL CENTRO": ("IMP", "OTM"),
    "TUCSON": ("ELY", "FLO"),
    "YUMA": ("ELY", "FLO", "IMP"),
    "LAREDO": ("RGD", "PRL"),
    "DEL RIO": ("PRL", "JNA"),
    "BIG BEND": ("EPC", "PRL"),
}
ICE_FAR = ("TAC", "SHE", "ADL", "POL", "CIB", "JNA", "FLO", "OTR", "PIC")
ICE_FAR_WOMEN = ("HUT", "TAC", "POL", "OTR")
ICE_FAMILY = ("DIL", "KRN", "BRK")

FACILITIES = {
    f.code: f
    for f in (
        Facility("PIC", "PORT ISABEL SERVICE PROCESSING CENTER", "TX"),
        Facility("EPC", "EL PASO SERVICE PROCESSING CENTER", "TX"),
        Facility("OTR", "OTERO COUNTY PROCESSING CENTER, CHAPARRAL", "NM"),
        Facility("CIB", "CIBOLA COUNTY CORRECTIONAL CENTER", "NM"),
        Facility("ELY", "ELOY FEDERAL CONTRACT FACILITY", "AZ"),
        Facility("FLO", "FLORENCE SERVICE PROCESSING CENTER", "AZ"),
        Facility("OTM", "OTAY MESA DETENTION CENTER", "CA"),
        Facility("IMP", "IMPERIAL REGIONAL DETENTION FACILITY", "CA"),
        Facility("ADL", "ADELANTO ICE PROCESSING CENTER", "CA"),
        Facility("TAC", "NORTHWEST DETENTION CENTER, TACOMA", "WA"),
        Facility("SHE", "FCI SHERIDAN", "OR"),
        Facility("JNA", "JOE CORLEY DETENTION FACILITY", "TX"),
        Facility("POL", "IAH SECURE ADULT DETENTION FACILITY (POLK)", "TX"),
        Facility("RGD", "RIO GRANDE DETENTION CENTER", "TX"),
        Facility("PRL", "SOUTH TEXAS ICE PROCESSING CENTER, PEARSALL", "TX"),
        Facility("HUT", '"T" DON HUTTO RESIDENTIAL CENTER', "TX"),
        Facility("DIL", "SOUTH TEXAS FAMILY RESIDENTIAL CENTER, DILLEY", "TX"),
        Facility("KRN", "KARNES COUNTY RESIDENTIAL CENTER", "TX"),
        Facility("BRK", "BERKS FAMILY RESIDENTIAL CENTER", "PA"),
    )
}

ORR_PROGRAMS = (
    ("Southwest Key - Casa Padre", "TX"),
    ("Southwest Key - Casa El Presidente", "AZ"),
    ("Southwest Key - Casa Kokopelli", "AZ"),
    ("Southwest Key - Casa Montezuma", "TX"),
    ("BCFS - San Antonio", "TX"),
    ("BCFS - Raymondville", "TX"),
    ("International Educational Services, Los Fresnos", "TX"),
    ("Upbring - New Hope Children's Shelter", "TX"),
    ("Shiloh Treatment Center", "TX"),
    ("Catholic Charities - Houston", "TX"),
    ("Cayuga Centers", "NY"),
    ("The Children's Village, Dobbs Ferry", "NY"),
    ("Bethany Christian Services", "MI"),
    ("Lutheran Social Services, Baltimore", "MD"),
    ("Heartland Human Care Services, Chicago", "IL"),
    ("Crittenton Services for Children and Families", "CA"),
    ("His House - Miami", "FL"),
    ('Homestead "Temporary Influx" Shelter', "FL"),
)
TORNILLO = ("Tornillo Influx Care Facility", "TX")

NGO_ORGANIZATIONS = (
    ("KIND", "Kids in Need of Defense (KIND)"),
    ("JIM", "Justice in Motion"),
    ("WRC", "Women's Refugee Commission"),
    ("AOL", "Al Otro Lado"),
)

US_CITIES = (
    "Houston, TX", "Los Angeles, CA", "Miami, FL", "New York, NY", "Dallas, TX", "Atlanta, GA",
    "Charlotte, NC", "Silver Spring, MD", "Newark, NJ", "Nashville, TN", "Omaha, NE",
    "Providence, RI", "Oakland, CA", "New Orleans, LA",
)  # fmt: skip


@lru_cache(maxsize=65536)
def plain_upper(text: str) -> str:
    """UPPERCASE without accents, as CBP, ICE and USMS systems write names."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


@lru_cache(maxsize=65536)
def strip_accents(text: str) -> str:
    """The same text in its case, without accents (``José`` -> ``Jose``)."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))
