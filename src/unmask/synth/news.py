"""The day's news stories and the petition: the links that many organic accounts share word for word."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from unmask.synth.config import DAY, FUKUSHIMA_START, HAWAII_START, ts
from unmask.synth.pools import LANG, lines
from unmask.synth.urls import UrlBook

OUTLETS = {
    "en": (
        ("www.cbc.ca", "news/politics"),
        ("www.ctvnews.ca", "politics"),
        ("globalnews.ca", "news"),
        ("www.theglobeandmail.com", "politics"),
        ("nationalpost.com", "news/politics"),
        ("www.thestar.com", "politics/federal"),
        ("www.cp24.com", "news"),
    ),
    "fr": (
        ("ici.radio-canada.ca", "nouvelle"),
        ("www.lapresse.ca", "actualites/politique"),
        ("www.ledevoir.com", "politique/canada"),
        ("www.journaldemontreal.com", "actualite"),
    ),
}
HEADLINES = {
    "en": lines("""
        Bank of Canada holds key interest rate at {n} per cent
        Wildfire forces evacuation of thousands near {city}
        Housing starts fall in {city} as rates bite
        {province} premier calls for federal help on {topic}
        Poll: {topic} tops voter concerns ahead of fall sitting
        Ottawa announces ${n} million for {topic}
        Rent in {city} hits record high, new report says
        Grocery prices up {n} per cent from last year
        MPs return to Ottawa with {topic} at top of agenda
        Federal inquiry into foreign interference to begin hearings
        Canada's inflation rate rises to {n} per cent
        Doctors warn of emergency room closures in {province}
        Feds face pressure to act on {topic}
        Mortgage renewals loom for thousands in {city}
        Smoke from wildfires blankets {city} again
        New poll shows tight race as {topic} dominates
        Union strike vote looms at {city} port
        Canada to welcome more newcomers as labour shortage persists
        Opposition demands answers on {topic}
        Premiers meet in {city} to discuss {topic}
    """),
    "fr": lines("""
        La Banque du Canada maintient son taux directeur à {n} %
        Feux de forêt : des milliers d'évacués près de {city}
        Les loyers atteignent un sommet à {city}
        Québec réclame l'aide d'Ottawa pour {topic}
        Sondage : {topic} au cœur des préoccupations
        Ottawa annonce {n} millions pour {topic}
        Le prix du panier d'épicerie grimpe de {n} %
        Retour des députés à Ottawa : {topic} à l'ordre du jour
        Enquête publique sur l'ingérence étrangère : les audiences approchent
        Pénurie de médecins : les urgences débordent en région
    """),
}
TIMED = (  # (first day, last day, language, headline): stories every outlet ran on those days
    (
        HAWAII_START - DAY,
        HAWAII_START + 5 * DAY,
        "en",
        "Maui wildfires: death toll rises as Lahaina lies in ruins",
    ),
    (HAWAII_START - DAY, HAWAII_START + 5 * DAY, "fr", "Incendies à Maui : le bilan s'alourdit à Lahaina"),
    (
        FUKUSHIMA_START - DAY,
        FUKUSHIMA_START + 3 * DAY,
        "en",
        "Japan begins releasing treated Fukushima water",
    ),
    (
        FUKUSHIMA_START - DAY,
        FUKUSHIMA_START + 3 * DAY,
        "fr",
        "Fukushima : le Japon commence à rejeter l'eau traitée",
    ),
    (ts(2023, 9, 1), ts(2023, 9, 5), "en", "Labour Day weekend: what's open and closed"),
    (ts(2023, 9, 17), ts(2023, 9, 21), "en", "Ottawa expels diplomat as tensions rise with New Delhi"),
)
CITIES = lines("""
    Toronto
    Vancouver
    Calgary
    Edmonton
    Ottawa
    Winnipeg
    Halifax
    Kelowna
    Yellowknife
    Montréal
    Québec
    Regina
""")
PROVINCES = ("Ontario", "B.C.", "Alberta", "Manitoba", "Nova Scotia", "Saskatchewan", "Quebec")
NEWS_TOPICS = {
    "en": ("housing", "health care", "the carbon tax", "affordability", "public safety", "wildfire recovery"),
    "fr": ("le logement", "la santé", "l'abordabilité", "la taxe carbone", "les feux de forêt"),
}
COMMENTS = {
    "en": ("Wow.", "Read this.", "Unreal.", "About time.", "This.", "Not surprised.", "Important:"),
    "fr": ("Wow.", "À lire.", "Enfin.", "Pas surpris.", "Important :"),
}
PETITION = {
    "en": "I just signed petition e-4521 asking the House of Commons for a national plan on affordable "
    "housing. Add your name before it closes: {link} #cdnpoli",
    "fr": "Je viens de signer la pétition e-4521 qui demande à la Chambre des communes un plan national pour "
    "le logement abordable. Ajoutez votre nom : {link} #polcan",
}
PETITION_URL = "https://petitions.ourcommons.ca/en/Petition/Details?Petition=e-4521"


@dataclass(frozen=True, slots=True)
class NewsItem:
    text: str  # headline followed by its short link: shared verbatim
    lang: int
    url: int
    weight: float  # how many people share it, relatively


class NewsDesk:
    """Makes each day's stories; the same story shared by many accounts is organic coordination."""

    def __init__(self, rng: np.random.Generator, urls: UrlBook) -> None:
        self._rng = rng
        self._urls = urls
        self.petition_url = urls.add(PETITION_URL)

    def stories(self, day_start: int, count: int) -> list[NewsItem]:
        rng = self._rng
        heads = [(lang, h) for first, last, lang, h in TIMED if first <= day_start < last]
        for _ in range(max(count - len(heads), 1)):
            lang = "fr" if rng.random() < 0.3 else "en"
            pool = HEADLINES[lang]
            head = pool[int(rng.integers(len(pool)))]
            head = (
                head.replace("{n}", str(int(rng.integers(2, 90))))
                .replace("{city}", CITIES[int(rng.integers(len(CITIES)))])
                .replace("{province}", PROVINCES[int(rng.integers(len(PROVINCES)))])
                .replace("{topic}", NEWS_TOPICS[lang][int(rng.integers(len(NEWS_TOPICS[lang])))])
            )
            heads.append((lang, head))
        items = []
        weights = 1.0 / np.arange(1, len(heads) + 1) ** 0.8
        for (lang, head), weight in zip(heads, weights, strict=True):
            host, section = OUTLETS[lang][int(rng.integers(len(OUTLETS[lang])))]
            plain = unicodedata.normalize("NFKD", head.lower()).encode("ascii", "ignore").decode()
            slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:70]
            url = self._urls.add(
                f"https://{host}/{section}/{slug}-1.{int(rng.integers(6_900_000, 6_999_999))}"
            )
            items.append(NewsItem(f"{head} {self._urls.short[url]}", LANG[lang], url, float(weight)))
        return items

    def share_text(self, item: NewsItem, u: float) -> str:
        """Most shares are the bare headline and link; some add a word of comment."""
        if u < 0.75:
            return item.text
        pool = COMMENTS["fr" if item.lang == LANG["fr"] else "en"]
        return f"{pool[int((u - 0.75) * 4 * len(pool)) % len(pool)]} {item.text}"

    def petition_text(self, lang: int) -> str:
        key = "fr" if lang == LANG["fr"] else "en"
        return PETITION[key].replace("{link}", self._urls.short[self.petition_url])
