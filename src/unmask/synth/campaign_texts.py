"""Campaign texts: templated accusations with paraphrase, camouflage posts and side narratives.

A template is a list of slots, each a tuple of interchangeable phrasings; the difficulty decides how
many phrasings a slot may use. Cosmetic mutations (emoji, hashtags, random suffixes, typos, another
form of a name) then break exact duplication while the texts stay near-duplicates of each other.
"""

from __future__ import annotations

import numpy as np

from unmask.synth.config import FUKUSHIMA_START, Difficulty
from unmask.synth.pools import LANG, lines
from unmask.synth.urls import UrlBook

Template = tuple[tuple[str, ...], ...]

ACCUSATIONS: dict[str, tuple[Template, ...]] = {
    "en": (
        (
            (
                "{critic}",
                "Chinese blogger {critic}",
                "YouTuber {critic}",
                "Commentator {critic}",
                "Famous critic {critic}",
            ),
            (" has exposed ", " revealed ", " just uncovered ", " brought to light ", " made public "),
            (
                "the sex scandal of {mp}",
                "{mp}'s affair with a young staffer",
                "{mp}'s secret sex scandal",
                "shocking photos of {mp} with an escort",
                "{mp}'s hidden scandal",
            ),
            (". ", "! ", "... ", " - "),
            (
                "Why is nobody talking about this?",
                "The media stays silent.",
                "Canadians deserve the truth.",
                "How can anyone trust {mp} now?",
                "Is this who represents us?",
            ),
        ),
        (
            (
                "{critic}",
                "The so-called CCP critic {critic}",
                "Anti-China blogger {critic}",
                "{critic}, the man attacking China,",
            ),
            (
                " is a criminal",
                " is a wanted fugitive",
                " is a fraudster on the run",
                " is a criminal hiding in Canada",
                " fled China after stealing money",
            ),
            (
                ", and {mp} still stands with him",
                " yet {mp} protects him",
                ". Why does {mp} support him",
                ", but {mp} keeps silent",
                ". {mp} owes Canadians an explanation",
            ),
            ("?", "!", ".", "?!"),
        ),
        (
            ("{mp}", "Dear {mp}", "Hey {mp}", "Question for {mp}"),
            (", did you really", ", is it true you", ", explain why you", ": why did you"),
            (
                " take money from",
                " hide your ties to",
                " lie about your meetings with",
                " cover up your deals with",
            ),
            (" {critic}'s donors?", " shady businessmen?", " {critic}?", " foreign lobbyists?"),
            (" Answer the question.", " We are waiting.", " Canadians want answers.", " Resign!"),
        ),
        (
            ("According to {critic}, ", "{critic} says ", "{critic} claims ", "Even {critic} admits "),
            ("{mp} ", "MP {mp} ", "our MP {mp} "),
            (
                "was involved in corruption",
                "abused power for years",
                "took bribes from developers",
                "lied to voters",
                "is part of a sex scandal",
            ),
            (". Shameful!", ". Disgusting.", ". Unbelievable!", ". Wake up Canada!"),
        ),
        (
            (
                "Everyone should know what {mp} did.",
                "Canadians need to know what {mp} did.",
                "Look at what {mp} has done.",
            ),
            (
                " {critic} has the evidence.",
                " {critic} posted all the proof.",
                " The proof is out there.",
                " {critic}'s video shows everything.",
            ),
            (
                " Share before it gets deleted!",
                " Spread the word.",
                " Don't let them hide it.",
                " Watch it yourself.",
            ),
        ),
        (
            ("{critic} is spreading lies", "{critic} keeps smearing people", "{critic} makes up stories"),
            (" about {mp}", " about our MPs like {mp}", " to attack {mp}"),
            (
                " and nobody stops him",
                ", why is he allowed",
                " because he is paid",
                " to hide his own crimes",
            ),
            ("!", ".", "?", "!!"),
        ),
    ),
    "fr": (
        (
            ("{critic}", "Le blogueur chinois {critic}", "Le youtubeur {critic}", "Le commentateur {critic}"),
            (" a révélé ", " vient d'exposer ", " a dévoilé ", " a rendu public "),
            (
                "le scandale sexuel de {mp}",
                "la liaison de {mp} avec une jeune employée",
                "le scandale caché de {mp}",
                "des photos choquantes de {mp}",
            ),
            (". ", "! ", "... "),
            (
                "Pourquoi personne n'en parle?",
                "Les médias se taisent.",
                "Les Canadiens méritent la vérité.",
                "Comment faire confiance à {mp} maintenant?",
            ),
        ),
        (
            ("{critic}", "Le soi-disant critique du PCC {critic}", "Le blogueur anti-Chine {critic}"),
            (
                " est un criminel",
                " est un fugitif recherché",
                " est un fraudeur en fuite",
                " a fui la Chine avec de l'argent volé",
            ),
            (
                ", et {mp} le soutient encore",
                ", pourtant {mp} le protège",
                ". Pourquoi {mp} le défend",
                ", mais {mp} se tait",
            ),
            ("?", "!", ".", "?!"),
        ),
        (
            ("{mp}", "Cher {mp}", "Question pour {mp}"),
            (", est-ce vrai que vous", ", expliquez pourquoi vous", " : pourquoi avez-vous"),
            (" cachez vos liens avec", " mentez sur vos rencontres avec", " couvrez vos affaires avec"),
            (" les donateurs de {critic}?", " des hommes d'affaires louches?", " {critic}?"),
            (" Répondez.", " On attend.", " Démission!"),
        ),
        (
            ("Selon {critic}, ", "{critic} affirme que ", "Même {critic} admet que "),
            ("{mp} ", "le député {mp} ", "notre député {mp} "),
            (
                "est mêlé à la corruption",
                "abuse de son pouvoir",
                "a menti aux électeurs",
                "est impliqué dans un scandale sexuel",
            ),
            (". Honteux!", ". Dégoûtant.", ". Incroyable!", ". Réveille-toi Canada!"),
        ),
        (
            ("Tout le monde doit savoir ce que {mp} a fait.", "Regardez ce que {mp} a fait."),
            (" {critic} a les preuves.", " {critic} a tout publié.", " Les preuves sont là."),
            (
                " Partagez avant que ce soit supprimé!",
                " Faites passer le mot.",
                " Ne les laissez pas cacher ça.",
            ),
        ),
    ),
    "zh": (
        (
            ("{critic}", "博主{critic}", "油管主播{critic}", "评论员{critic}"),
            ("曝光了", "揭露了", "爆料了", "公开了"),
            ("{mp}的性丑闻", "{mp}和年轻女助理的关系", "{mp}隐藏的丑闻", "{mp}的不雅照片"),
            ("。", "！", "……"),
            ("为什么没人报道？", "媒体集体沉默。", "加拿大人应该知道真相。", "{mp}还值得信任吗？"),
        ),
        (
            ("{critic}", "所谓的反共人士{critic}", "反华博主{critic}"),
            ("是个罪犯", "是被通缉的逃犯", "是卷款潜逃的骗子", "在加拿大躲避法律"),
            ("，{mp}却还在支持他", "，{mp}竟然保护他", "，{mp}为什么替他说话", "，{mp}一直沉默"),
            ("？", "！", "。"),
        ),
        (
            ("请问{mp}", "{mp}", "问一下{mp}"),
            ("，你是不是", "，为什么你", "，你敢不敢说你没有"),
            ("收了{critic}的钱", "隐瞒和商人的关系", "对选民撒谎", "掩盖你的丑事"),
            ("？请回答。", "？大家都在等。", "？辞职吧！"),
        ),
        (
            ("据{critic}说，", "{critic}爆料，", "连{critic}都承认，"),
            ("{mp}", "议员{mp}", "我们的议员{mp}"),
            ("涉嫌腐败", "滥用职权多年", "收受开发商贿赂", "卷入性丑闻"),
            ("。太可耻了！", "。真恶心。", "。醒醒吧加拿大！"),
        ),
        (
            ("大家都应该知道{mp}做了什么。", "看看{mp}都干了些什么。"),
            ("{critic}有证据。", "{critic}已经公布了全部证据。", "证据就在这里。"),
            ("赶紧转发，以免被删！", "请广泛传播。", "别让他们掩盖真相。"),
        ),
    ),
}

CAMOUFLAGE = {
    "en": lines("""
        Sunset over the mountains. Peace and quiet. 🌄
        Good morning! Have a wonderful day ☀️
        Life is not about waiting for the storm to pass, it's about learning to dance in the rain.
        Homemade dumplings for dinner tonight 🥟
        The lake was so calm this morning.
        Happiness is a cup of tea and a good book 📖
        Flowers in the park today 🌸
        Every day is a new beginning.
        Delicious noodles for lunch 🍜
        Cats make everything better 🐱
        The stars tonight were unbelievable ✨
        Keep smiling, it confuses people 😊
        Autumn is coming. Love this season 🍂
        A walk in the forest clears the mind.
        Fresh fruit from the market 🍑
    """),
    "fr": lines("""
        Coucher de soleil sur les montagnes 🌄
        Bonjour! Belle journée à tous ☀️
        Le bonheur, c'est un thé et un bon livre 📖
        Des fleurs au parc aujourd'hui 🌸
        Chaque jour est un nouveau départ.
        Nouilles délicieuses ce midi 🍜
        Promenade en forêt, l'esprit léger.
    """),
    "zh": lines("""
        山间的日落，宁静美好。🌄
        早上好！祝大家今天愉快☀️
        一杯茶，一本书，就是幸福📖
        今晚自己包的饺子🥟
        公园里的花开了🌸
        每一天都是新的开始。
        午饭吃了一碗好吃的面🍜
        猫咪让一切变得更好🐱
        今晚的星空太美了✨
        秋天快到了，最喜欢这个季节🍂
    """),
}
SIDE_NARRATIVES = {
    ("hawaii", "en"): lines("""
        The Maui fires were no accident. Why did the US military test a weather weapon right before?
        Lahaina burned while officials did nothing. Was it a directed energy weapon?
        Locals say the fire started from the sky. The US government is hiding the truth about Maui.
        Maui: a weather weapon experiment gone wrong? Watch this.
    """),
    ("hawaii", "fr"): lines("""
        Les feux de Maui n'étaient pas un accident. Une arme météorologique américaine?
        Lahaina a brûlé pendant que les autorités regardaient. Que cache Washington?
    """),
    ("hawaii", "zh"): lines("""
        毛伊岛大火不是意外，美国军方在测试气象武器？
        拉海纳被烧毁，美国政府在隐瞒什么？
        当地人说火是从天上来的，真相被掩盖了。
    """),
    ("fukushima", "en"): lines("""
        Japan is dumping nuclear water into OUR ocean. Canada must speak up!
        Fukushima water will reach BC fish. Why is Ottawa silent?
        Would you eat seafood now? The Fukushima release is a crime against the Pacific.
        The whole world is against Japan's nuclear wastewater. Canada should be too.
    """),
    ("fukushima", "fr"): lines("""
        Le Japon déverse de l'eau nucléaire dans NOTRE océan. Le Canada doit réagir!
        L'eau de Fukushima atteindra les poissons de la C.-B. Pourquoi Ottawa se tait?
    """),
    ("fukushima", "zh"): lines("""
        日本把核污水排进太平洋，加拿大为什么沉默？
        福岛核污水会影响卑诗省的海鲜，大家小心！
        全世界都反对日本排放核污水。
    """),
}
EMOJI = ("😡", "🤔", "❗", "😱", "🔥", "👀", "🤮", "‼️", "💔", "😂", "🙄", "⚠️")
# The network borrows the hashtags ordinary users already use (see texts.CLOSERS), #cdnpoli above all.
HASHTAGS = ("#cdnpoli",) * 5 + ("#polcan",) * 3 + ("#Canada", "#onpoli", "#Ottawa")
_SUFFIX_CHARS = "abcdefghijkmnpqrstuvwxyz23456789"
MUTATION_DRAWS = 8


def _key(code: int) -> str:
    """The template language for a tweet language: the campaign writes English, French or Chinese."""
    return "fr" if code == LANG["fr"] else "zh" if code == LANG["zh"] else "en"


def _token(u: float) -> str:
    """A random-looking 4-7 character suffix from one uniform draw."""
    n = int(u * 2**40)
    chars = []
    for _ in range(4 + n % 4):
        n, r = divmod(n, len(_SUFFIX_CHARS))
        chars.append(_SUFFIX_CHARS[r])
    return "".join(chars)


def _typo(text: str, where: float, how: float) -> str:
    """Swap, drop or double a letter inside one word (names and handles included, like a hurried typist)."""
    words = text.split(" ")
    i = int(where * len(words))
    w = words[i]
    if len(w) < 4 or w.startswith("@"):
        return text
    j = 1 + int(how * 997) % (len(w) - 2)
    op = int(how * 3)
    words[i] = (w[:j] + w[j + 1] + w[j] + w[j + 2 :], w[:j] + w[j + 1 :], w[:j] + w[j] + w[j:])[op]
    return " ".join(words)


class CampaignTexts:
    """Writes the campaign's posts for the chosen difficulty."""

    def __init__(self, rng: np.random.Generator, difficulty: Difficulty, urls: UrlBook) -> None:
        self._rng = rng
        self._diff = difficulty
        self._urls = urls
        self.side_urls = [
            urls.add(f"https://www.youtube.com/watch?v={''.join(rng.choice(list(_SUFFIX_CHARS), 11))}")
            for _ in range(80)
        ]

    def accusations(
        self,
        lang: np.ndarray,
        names: list[tuple[str, str, str]],
        critic: str,
        theme: np.ndarray | None = None,
    ) -> list[str]:
        """One accusation per post; names[i] = (full name, surname, @handle) of the politician it names.

        Posts of one wave share a `theme` (any integer): most of them then use the same template.
        """
        depth, rate = self._diff.variant_depth, self._diff.mutation_rate
        u = self._rng.random((len(lang), 9 + MUTATION_DRAWS))
        if theme is not None:
            loyal = self._rng.random(len(lang)) < self._diff.template_loyalty
            u[loyal, 0] = (theme[loyal] % 997) / 997
        out = []
        for code, row, (full, surname, handle) in zip(lang.tolist(), u.tolist(), names, strict=True):
            key = _key(code)
            templates = ACCUSATIONS[key]
            template = templates[int(row[0] * len(templates))]
            text = "".join(
                slot[int(x * min(depth, len(slot)))] for slot, x in zip(template, row[1:7], strict=False)
            )
            name = full if row[7] >= rate else (surname, handle, full.upper())[int(row[8] * 3)]
            out.append(self._mutate(text.replace("{mp}", name).replace("{critic}", critic), key, row[9:]))
        return out

    def _mutate(self, text: str, key: str, r: list[float]) -> str:
        """Cosmetic changes driven by MUTATION_DRAWS uniform numbers: a typo, emoji, a hashtag, a random
        suffix (plain or as a hashtag)."""
        rate = self._diff.mutation_rate
        if key != "zh" and r[0] < self._diff.typo_rate * text.count(" "):
            text = _typo(text, r[5], r[6])
        if r[1] < rate:
            text = f"{text} {EMOJI[int(r[5] * len(EMOJI))]}"
        if r[2] < rate * 0.5:
            text = f"{text} {HASHTAGS[int(r[6] * len(HASHTAGS))]}"
        if r[3] < rate * 0.5:
            suffix = _token(r[7])
            text = f"{text} #{suffix}" if r[5] < 0.3 else f"{text} {suffix}"
        if r[4] < rate * 0.3:
            text = f"{EMOJI[int(r[6] * len(EMOJI))]} {text}"
        return text

    def camouflage(self, lang: np.ndarray) -> list[str]:
        """Shared 'human interest' posts: the same few texts reused across the network."""
        out = []
        for code, u, v in zip(
            lang.tolist(),
            self._rng.random(len(lang)).tolist(),
            self._rng.random(len(lang)).tolist(),
            strict=True,
        ):
            pool = CAMOUFLAGE[_key(code)]
            text = pool[int(u * len(pool))]
            out.append(
                f"{text} {EMOJI[int(v * 1000) % len(EMOJI)]}" if v < self._diff.mutation_rate * 0.3 else text
            )
        return out

    def side(self, lang: np.ndarray, t: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Side narratives (Maui 'weather weapon', Fukushima water) with a link; empty before they start."""
        texts, urls = [], np.full(len(lang), -1, np.int32)
        for i, (code, when) in enumerate(zip(lang.tolist(), t.tolist(), strict=True)):
            topic = "fukushima" if when >= FUKUSHIMA_START and self._rng.random() < 0.6 else "hawaii"
            key = _key(code)
            pool = SIDE_NARRATIVES[(topic, key)]
            url = self.side_urls[int(self._rng.integers(len(self.side_urls)))]
            urls[i] = url
            text = f"{pool[int(self._rng.integers(len(pool)))]} {self._urls.short[url]}"
            texts.append(self._mutate(text, key, self._rng.random(MUTATION_DRAWS).tolist()))
        return texts, urls
