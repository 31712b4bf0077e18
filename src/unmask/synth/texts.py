"""Organic post texts: politicians' posts, opinions, replies (composed and generic) and earlier-life posts.

Composed texts join fragments drawn independently, so two ordinary replies rarely share more than a
phrase; short generic replies ("Thank you!", "Merci!") are deliberately identical across many people.
"""

from __future__ import annotations

import numpy as np

from unmask.synth.pools import LANG, LANGS, lines

# --- composed opinions (English and French get fragment grammars; other languages sentence pools) ---
TOPICS = {
    "en": lines("""
        housing
        rent
        grocery prices
        the carbon tax
        healthcare wait times
        interest rates
        the wildfires
        rent in Toronto
        the cost of living
        immigration levels
        foreign interference
        the deficit
        public transit
        child care
        pharmacare
        dental care
        the housing crisis
        gas prices
        climate change
        our armed forces
        veterans' benefits
        seniors' pensions
        small business taxes
        the supply deal
        doctor shortages
        mental health funding
        student debt
        Indigenous reconciliation
        the RCMP
        rural internet
        crime in our cities
        bail reform
        the border
        the economy
        jobs in my town
        the oil and gas sector
        clean energy jobs
        mortgage renewals
        the trucking industry
        our farmers
    """),
    "fr": lines("""
        le logement
        les loyers
        le prix de l'épicerie
        la taxe carbone
        l'attente en santé
        les taux d'intérêt
        les feux de forêt
        le coût de la vie
        l'immigration
        l'ingérence étrangère
        le déficit
        le transport en commun
        les garderies
        l'assurance médicaments
        les soins dentaires
        la crise du logement
        le prix de l'essence
        les changements climatiques
        les pensions des aînés
        les PME
        la pénurie de médecins
        la santé mentale
        la langue française
        les agriculteurs
        l'économie
    """),
}
OPENERS = {
    "en": lines("""
        Honestly,
        With respect,
        Sorry, but
        Agreed.
        Hmm.
        Come on.
        Sure,
        Look,
        Serious question:
        Well said, but
        Not sure about this.
        Respectfully,
        Ok but
        Again?
        Wow.
        Yes!
        Meanwhile,
        Exactly.
        Interesting.
        Unbelievable.
        Fair point, but
        Listen,
        Right,
        Finally,
        Sigh.
        Lol.
        Thanks, but
        Question for you:
        I have to ask,
        Good to hear, but
    """),
    "fr": lines("""
        Honnêtement,
        Avec respect,
        Désolé, mais
        D'accord.
        Bof.
        Voyons donc.
        Franchement,
        Question sérieuse :
        Bien dit, mais
        Pas certain.
        Encore?
        Wow.
        Oui!
        Pendant ce temps,
        Exactement.
        Intéressant.
        Incroyable.
        Merci, mais
        Enfin,
        Soupir.
    """),
}
CLAUSES = {
    "en": lines("""
        what is the plan for {topic}?
        nobody in my riding can keep up with {topic} anymore.
        we need real action on {topic}.
        you keep talking but {topic} keeps getting worse.
        this does nothing about {topic}.
        glad someone is finally talking about {topic}.
        {topic} should be the top priority.
        how does this help with {topic}?
        my family is struggling with {topic}.
        I'd like to see a real vote on {topic}.
        the numbers on {topic} say otherwise.
        {topic} is out of control.
        can you explain your position on {topic}?
        every party has failed on {topic}.
        good first step on {topic}.
        please do more about {topic}.
        where was this plan on {topic} last year?
        {topic} affects everyone in this country.
        why is {topic} never on the agenda?
        go talk to real people about {topic}.
        I wrote to your office about {topic} and got no answer.
        my neighbours all say the same thing about {topic}.
        {topic} was better handled ten years ago.
        you promised us something on {topic}.
        the provinces are doing more on {topic} than Ottawa.
        stop blaming others for {topic}.
        {topic} is why I'm voting differently next time.
        at least someone is paying attention to {topic}.
        my daughter can't afford anything because of {topic}.
        small towns are forgotten when it comes to {topic}.
        tell us what this costs and what it does for {topic}.
        {topic} needs a long-term plan, not slogans.
        the committee report on {topic} was ignored.
        real change on {topic} takes more than a press release.
        thank you for standing up on {topic}.
        we were told {topic} would improve by now.
        my parents worry about {topic} every day.
        I don't see how this fixes {topic}.
        would love to see the data behind this on {topic}.
        the last budget barely mentioned {topic}.
    """),
    "fr": lines("""
        c'est quoi le plan pour {topic}?
        personne chez nous n'arrive à suivre avec {topic}.
        il faut agir vraiment sur {topic}.
        vous parlez, mais {topic} empire.
        ça ne règle rien pour {topic}.
        enfin quelqu'un parle de {topic}.
        {topic} devrait être la priorité.
        en quoi ça aide pour {topic}?
        ma famille a de la misère avec {topic}.
        les chiffres sur {topic} disent le contraire.
        {topic}, c'est hors de contrôle.
        pouvez-vous expliquer votre position sur {topic}?
        tous les partis ont échoué sur {topic}.
        bon premier pas pour {topic}.
        faites-en plus pour {topic}, s'il vous plaît.
        où était ce plan sur {topic} l'an dernier?
        {topic} touche tout le monde au pays.
        pourquoi {topic} n'est jamais à l'ordre du jour?
        j'ai écrit à votre bureau au sujet de {topic}, sans réponse.
        le Québec en fait plus qu'Ottawa pour {topic}.
        arrêtez de blâmer les autres pour {topic}.
        merci de vous lever pour {topic}.
        mes parents s'inquiètent de {topic} tous les jours.
        {topic} mérite un plan à long terme, pas des slogans.
        le dernier budget a oublié {topic}.
    """),
}
TAILS = {
    "en": lines("""
        Do better.
        We are watching.
        People are tired.
        Canadians deserve answers.
        This matters.
        Thanks for listening.
        Just saying.
        Show us the numbers.
        Enough talk.
        Seniors can't wait.
        Stop the photo ops.
        Looking forward to the details.
        Keep it up.
        Proud of this.
        Not good enough.
        Vote accordingly.
        Time for change.
        We need answers, not slogans.
        Please read the room.
        Let's see it happen.
        Action, not words.
        Simple as that.
        That's all I ask.
        Think about it.
        Details matter.
    """),
    "fr": lines("""
        Faites mieux.
        On vous surveille.
        Les gens sont tannés.
        On mérite des réponses.
        C'est important.
        Merci de nous écouter.
        Je dis ça de même.
        Montrez-nous les chiffres.
        Assez parlé.
        Pas assez.
        Il est temps de changer.
        Des actes, pas des mots.
        C'est tout ce que je demande.
        Bravo quand même.
        On attend les détails.
    """),
}
CLOSERS = lines("""
    #cdnpoli
    #cdnpoli
    #Canada
    #Ottawa
    🙄
    👍
    🇨🇦
    #polcan
    🤔
    💯
    😡
    🙏
    #onpoli
    #qcpoli
    #bcpoli
    👏
    😤
    #abpoli
""")
SENTENCES = {
    "zh": lines("""
        加拿大的房价实在太高了，年轻人怎么办？
        这个政策对普通家庭有什么帮助？
        支持！希望能尽快落实。
        物价一直在涨，工资却没有变化。
        请多关注华人社区的声音。
        看完新闻，心情很复杂。
        政府应该先解决医疗排队的问题。
        温哥华的租金又涨了。
        大家怎么看这件事？
        希望议员能听听选民的意见。
        多伦多的交通越来越堵了。
        这次野火太可怕了，大家注意安全。
        利率再不降，房贷压力太大了。
        移民政策需要更透明。
    """),
    "es": lines("""
        ¿Y qué pasa con el costo de la vivienda?
        Esto no ayuda a las familias trabajadoras.
        ¡Por fin una buena noticia!
        Los precios del supermercado están por las nubes.
        Necesitamos más médicos, no más promesas.
        Totalmente de acuerdo.
        ¿Alguien más piensa que esto es un error?
        Los inmigrantes también pagamos impuestos.
        Qué vergüenza, de verdad.
        Esperemos que esta vez cumplan.
        El alquiler en Toronto es imposible.
        Gracias por escuchar a la comunidad.
    """),
    "ar": lines("""
        أسعار الإيجار في تورنتو أصبحت جنونية
        هذا لا يساعد العائلات العاملة
        أخيراً خبر جيد
        نحتاج إلى أطباء أكثر وليس وعوداً
        أتفق معك تماماً
        الجالية العربية تستحق الاهتمام أيضاً
        الأسعار ترتفع كل يوم
        نتمنى أن يتم تنفيذ هذا بسرعة
        شكراً على الاستماع لنا
        ما هي الخطة بالضبط؟
        الحرائق مخيفة هذا العام، ابقوا بأمان
        الهجرة موضوع مهم جداً لنا
    """),
    "pt": lines("""
        E o preço da moradia?
        Isso não ajuda as famílias trabalhadoras.
        Finalmente uma boa notícia!
        O mercado está cada vez mais caro.
        Precisamos de mais médicos, não de promessas.
        Concordo totalmente.
        Que vergonha.
        Espero que desta vez cumpram.
        O aluguel em Toronto está impossível.
        Obrigado por ouvir a comunidade.
    """),
    "de": lines("""
        Die Mieten in Toronto sind verrückt.
        Endlich mal eine gute Nachricht.
        Das hilft den Familien nicht.
        Ganz meiner Meinung.
        Wann kommt der konkrete Plan?
        Danke für die Erklärung.
    """),
    "it": lines("""
        Gli affitti a Toronto sono impossibili.
        Finalmente una buona notizia!
        Questo non aiuta le famiglie.
        Sono completamente d'accordo.
        E il piano concreto quando arriva?
        Grazie per l'aggiornamento.
    """),
    "tl": lines("""
        Sobrang mahal na ng upa dito sa Toronto.
        Salamat sa update!
        Sana matupad na talaga ito.
        Ang mahal ng bilihin ngayon.
        Tama ka diyan.
        Kailan po ito magsisimula?
    """),
    "hi": lines("""
        टोरंटो में किराया बहुत ज़्यादा है।
        आख़िरकार एक अच्छी ख़बर।
        इससे परिवारों को कोई मदद नहीं मिलेगी।
        मैं पूरी तरह सहमत हूँ।
        असली योजना कब आएगी?
        धन्यवाद।
    """),
    "ko": lines("""
        토론토 월세가 너무 비싸요.
        드디어 좋은 소식이네요!
        이건 가족들에게 도움이 안 돼요.
        완전히 동의합니다.
        구체적인 계획은 언제 나오나요?
        감사합니다.
    """),
}
GENERIC_REPLIES = {
    "en": lines("""
        Thank you!
        Thank you 🙏
        Well said!
        👏
        👏👏👏
        Agreed!
        Thanks!
        100%
        🇨🇦🇨🇦
        Bravo!
        Great news!
        Congratulations!
        Exactly!
        Love this ❤️
        So true.
        👍
        Yes!
        Amen.
        Shame.
        Disgraceful.
        Resign.
        🙄
    """),
    "fr": lines("""
        Merci!
        Merci 🙏
        Bravo!
        Bien dit!
        👏
        Tout à fait!
        Excellente nouvelle!
        Félicitations!
        Exactement!
        Honte à vous.
        Démission!
    """),
    "zh": lines("""
        谢谢！
        支持！
        👏
        说得好！
        同意。
    """),
    "es": ("¡Gracias!", "¡Bravo!", "👏", "¡Exacto!", "De acuerdo."),
    "ar": ("شكراً", "أحسنت 👏", "👏", "بالضبط", "صحيح"),
    "pt": ("Obrigado!", "Parabéns!", "👏", "Exatamente!"),
    "de": ("Danke!", "👏", "Genau!"),
    "it": ("Grazie!", "👏", "Esatto!"),
    "tl": ("Salamat!", "👏", "Tama!"),
    "hi": ("धन्यवाद!", "👏"),
    "ko": ("감사합니다!", "👏"),
}
# Everyday posts that are not politics (both sides of the scenario post these).
EVERYDAY = {
    "en": lines("""
        Beautiful morning walk by the lake today.
        Finally finished that book. Highly recommend.
        Coffee, sunshine and a long weekend ahead.
        Can't believe how smoky it is outside again.
        Made my grandmother's apple pie recipe today.
        The Jays better pull this one off.
        Nothing beats a Canadian summer evening.
        Back to school shopping is no joke.
        My dog learned a new trick and I'm so proud.
        Traffic on the 401 is a nightmare this morning.
        First day of the new job tomorrow!
        Camping this weekend, no phones allowed.
        Farmers' market haul was amazing today.
        Who else is watching the game tonight?
        Summer went by way too fast.
    """),
    "fr": lines("""
        Belle promenade au bord du fleuve ce matin.
        J'ai enfin fini ce livre. Je le recommande.
        Café, soleil et longue fin de semaine.
        Encore de la fumée dehors aujourd'hui.
        Tarte aux pommes de ma grand-mère, version 2023.
        Rien de mieux qu'une soirée d'été au Québec.
        La rentrée arrive trop vite.
        Marché Jean-Talon ce matin, quelle récolte!
        Camping ce week-end, sans téléphone.
        L'été a passé beaucoup trop vite.
    """),
}
EVERYDAY.update({code: pool for code, pool in SENTENCES.items() if code not in EVERYDAY})
# Everyday posts in English and French get a lead-in and a tail, so one sentence is not posted verbatim
# by a hundred people ("" entries keep plain sentences common).
EVERYDAY_FRAMES = {
    "en": (
        ("", "", "", "", "Honestly,", "Ok so", "PSA:", "Update:", "Fun fact:", "Not gonna lie,"),
        ("", "", "", "😊", "☀️", "Love it.", "Best part of my week.", "Can't complain.", "#summer", "🍁",
         "So good.", "10/10.", "Who's with me?", "What a day.", "Grateful.", "Not bad at all.",
         "Send help 😅", "lol", "🙌", "Highly recommend."),
    ),
    "fr": (
        ("", "", "", "", "Bon,", "Petite nouvelle :", "Honnêtement,", "Fait divers :"),
        ("", "", "", "😊", "☀️", "J'adore.", "Le meilleur moment de ma semaine.", "Pas à plaindre.", "🍁",
         "Trop bon.", "Qui est partant?", "Quelle journée.", "Reconnaissant.", "lol", "🙌"),
    ),
}  # fmt: skip
NEUTRAL_FRAME = (("",), ("", "", "🔥", "💯", "🙌", "👏", "❤️", "😂", "🙏", "✨"))

# --- politicians ---
POLITICIAN_POST = {
    "en": (
        lines("""
            Today
            This morning
            This afternoon
            Earlier today
            Yesterday
            This week
            Tonight
        """),
        lines("""
            I met with
            I visited
            I sat down with
            I joined
            our team heard from
            I spoke with
            we stood with
            I toured a local site with
        """),
        lines("""
            local business owners
            families in our community
            seniors
            firefighters
            students
            farmers
            health care workers
            community leaders
            newcomers to Canada
            volunteers
            union members
            young workers
            parents
            first responders
            the mayor and council
        """),
        lines("""
            to talk about {topic}.
            to hear their concerns about {topic}.
            about our plan for {topic}.
            to discuss what Ottawa can do on {topic}.
            about {topic} and what comes next.
        """),
        lines("""
            Thank you for your hard work!
            More to come.
            We will keep fighting for you.
            #cdnpoli
            Let's get it done.
            Your voice matters.
            Grateful for everyone who came out.
            We're listening.
            Proud to represent this community.
        """),
    ),
    "fr": (
        lines("""
            Aujourd'hui,
            Ce matin,
            Cet après-midi,
            Plus tôt aujourd'hui,
            Hier,
            Cette semaine,
        """),
        lines("""
            j'ai rencontré
            j'ai visité
            j'ai échangé avec
            nous avons écouté
            j'étais aux côtés
        """),
        lines("""
            des commerçants locaux
            des familles de notre communauté
            des aînés
            des pompiers
            des étudiants
            des agriculteurs
            des travailleurs de la santé
            des bénévoles
            des nouveaux arrivants
            des syndiqués
        """),
        lines("""
            pour parler de {topic}.
            pour entendre leurs préoccupations sur {topic}.
            au sujet de notre plan pour {topic}.
            pour discuter de ce qu'Ottawa peut faire pour {topic}.
        """),
        lines("""
            Merci pour votre travail!
            À suivre.
            On continue de se battre pour vous.
            #polcan
            Votre voix compte.
            Fier de représenter cette communauté.
            On vous écoute.
        """),
    ),
}

# --- earlier lives: crypto and sport talk in other languages, everyday talk in any language ---
HISTORY = {
    ("ar", "crypto"): lines("""
        البيتكوين يتجه نحو {n} ألف دولار هذا الأسبوع 🚀
        أفضل وقت للشراء هو عندما يخاف الجميع
        هل تتوقعون صعود الإيثيريوم قريباً؟
        تحليل السوق اليوم: دعم قوي عند {n} ألف
        لا تستثمر أكثر مما تستطيع خسارته
        مشروع جديد واعد في عالم الكريبتو 💎
    """),
    ("ar", "sport"): lines("""
        مباراة رائعة الليلة! الهلال يفوز {n}-1
        ريال مدريد أو برشلونة؟ 🔥
        هدف عالمي من صلاح اليوم ⚽
        الدوري هذا الموسم أقوى من أي وقت
        التشكيلة الأساسية لمباراة الغد
    """),
    ("es", "crypto"): lines("""
        Bitcoin rumbo a los {n} mil esta semana 🚀
        El mejor momento para comprar es cuando todos tienen miedo
        ¿Ethereum va a subir pronto?
        Análisis del mercado: soporte fuerte en {n} mil
        No inviertas más de lo que puedes perder
        Nuevo proyecto cripto muy prometedor 💎
    """),
    ("es", "sport"): lines("""
        ¡Partidazo esta noche! Ganamos {n}-1
        ¿Real Madrid o Barça? 🔥
        Golazo increíble hoy ⚽
        La liga está más fuerte que nunca
        Alineación confirmada para mañana
    """),
    ("pt", "crypto"): lines("""
        Bitcoin rumo aos {n} mil esta semana 🚀
        A melhor hora de comprar é quando todos têm medo
        Ethereum vai subir em breve?
        Análise do mercado: suporte forte em {n} mil
        Não invista mais do que pode perder
    """),
    ("pt", "sport"): lines("""
        Jogaço hoje! Vencemos por {n} a 1
        Flamengo ou Palmeiras? 🔥
        Que golaço hoje ⚽
        O Brasileirão está mais forte do que nunca
        Escalação confirmada para amanhã
    """),
    ("en", "crypto"): lines("""
        Bitcoin heading to {n}k this week 🚀
        Best time to buy is when everyone is scared
        Is ETH about to break out?
        Market update: strong support at {n}k
        Never invest more than you can afford to lose
    """),
    ("en", "sport"): lines("""
        What a game tonight! {n}-1 final
        Leafs or Habs this year? 🔥
        Unreal goal tonight 🏒
        This season is going to be special
        Lineup is out for tomorrow
    """),
    ("fr", "sport"): lines("""
        Quel match ce soir! {n}-1
        Le Canadien va surprendre cette année 🔥
        But incroyable ce soir 🏒
        Cette saison va être spéciale
    """),
}
HISTORY_TOPICS: tuple[str, ...] = ("crypto", "sport", "everyday")


class OrganicTexts:
    """Builds organic texts in bulk: random choices are drawn as arrays, strings joined in one loop."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng

    def opinions(self, lang: np.ndarray) -> list[str]:
        """Composed opinions (English, French) or sentences (other languages): originals, replies, quotes."""
        out = [""] * len(lang)
        u = self._rng.random((len(lang), 6))
        for code in np.unique(lang).tolist():
            rows = np.flatnonzero(lang == code)
            name = LANGS[code]
            if name in CLAUSES:
                self._compose(name, rows, u[rows], out)
                continue
            pool = SENTENCES.get(name, SENTENCES["es"])
            picks = _indices(u[rows, 1], len(pool))
            closers = np.where(u[rows, 4] < 0.3, _indices(u[rows, 5], len(CLOSERS)), -1).tolist()
            for row, i, c in zip(rows.tolist(), picks, closers, strict=True):
                out[row] = pool[i] if c < 0 else f"{pool[i]} {CLOSERS[c]}"
        return out

    @staticmethod
    def _compose(name: str, rows: np.ndarray, u: np.ndarray, out: list[str]) -> None:
        """[opener] clause-with-topic [tail] [closer], each fragment drawn independently."""
        openers, clauses, topics, tails = OPENERS[name], CLAUSES[name], TOPICS[name], TAILS[name]
        opener = np.where(u[:, 0] < 0.45, -1, _indices(u[:, 5], len(openers))).tolist()
        tail = np.where(u[:, 3] < 0.6, _indices(u[:, 3] / 0.6, len(tails)), -1).tolist()
        closer = np.where(u[:, 4] < 0.35, _indices(u[:, 4] / 0.35, len(CLOSERS)), -1).tolist()
        clause = _indices(u[:, 1], len(clauses))
        topic = _indices(u[:, 2], len(topics))
        for row, o, c, t, ta, cl in zip(rows.tolist(), opener, clause, topic, tail, closer, strict=True):
            text = clauses[c].replace("{topic}", topics[t])
            text = f"{openers[o]} {text}" if o >= 0 else text[0].upper() + text[1:]
            if ta >= 0:
                text = f"{text} {tails[ta]}"
            out[row] = f"{text} {CLOSERS[cl]}" if cl >= 0 else text

    def generic(self, lang: np.ndarray) -> list[str]:
        """Short stock replies that many unrelated people post verbatim."""
        return self._from_pools(lang, GENERIC_REPLIES)

    def everyday(self, lang: np.ndarray) -> list[str]:
        """Posts about life, not politics."""
        return self._frame(self._from_pools(lang, EVERYDAY), lang)

    def _frame(self, texts: list[str], lang: np.ndarray) -> list[str]:
        """A lead-in and a tail around plain sentences (emoji only outside English and French), so one
        sentence is not posted verbatim by a hundred people."""
        u = self._rng.random((len(lang), 2))
        for code in np.unique(lang).tolist():
            rows = np.flatnonzero(lang == code)
            leads, tails = EVERYDAY_FRAMES.get(LANGS[code], NEUTRAL_FRAME)
            picks = zip(
                rows.tolist(), _indices(u[rows, 0], len(leads)), _indices(u[rows, 1], len(tails)), strict=True
            )
            for row, a, b in picks:
                text = texts[row]
                if leads[a]:
                    text = f"{leads[a]} {text[0].lower()}{text[1:]}"
                texts[row] = f"{text} {tails[b]}" if tails[b] else text
        return texts

    def _from_pools(self, lang: np.ndarray, pools: dict[str, tuple[str, ...]]) -> list[str]:
        """One uniform pick per post from the pool of its language (English when there is none)."""
        out = [""] * len(lang)
        u = self._rng.random(len(lang))
        for code in np.unique(lang).tolist():
            rows = np.flatnonzero(lang == code)
            pool = pools.get(LANGS[code], pools["en"])
            for row, i in zip(rows.tolist(), _indices(u[rows], len(pool)), strict=True):
                out[row] = pool[i]
        return out

    def politician(self, lang: np.ndarray) -> list[str]:
        out = [""] * len(lang)
        u = self._rng.random((len(lang), 6))
        for code in np.unique(lang).tolist():
            rows = np.flatnonzero(lang == code)
            name = "fr" if code == LANG["fr"] else "en"
            parts = (*POLITICIAN_POST[name], TOPICS[name])
            picks = [_indices(u[rows, k], len(pool)) for k, pool in enumerate(parts)]
            for row, (w, a, p, b, c, t) in zip(rows.tolist(), zip(*picks, strict=True), strict=True):
                when, act, who, about, close, topic = (
                    pool[i] for pool, i in zip(parts, (w, a, p, b, c, t), strict=True)
                )
                out[row] = f"{when} {act} {who} {about.replace('{topic}', topic)} {close}"
        return out

    def history(self, lang: np.ndarray, topic: np.ndarray) -> list[str]:
        """Earlier-life posts: crypto or sport talk where a pool exists, else everyday posts."""
        out = [""] * len(lang)
        u = self._rng.random(len(lang))
        numbers = self._rng.integers(2, 70, len(lang))
        key = lang.astype(np.int64) * len(HISTORY_TOPICS) + topic
        for k in np.unique(key).tolist():
            rows = np.flatnonzero(key == k)
            code, top = divmod(k, len(HISTORY_TOPICS))
            pool = HISTORY.get((LANGS[code], HISTORY_TOPICS[top])) or EVERYDAY.get(
                LANGS[code], EVERYDAY["en"]
            )
            for row, i, n in zip(
                rows.tolist(), _indices(u[rows], len(pool)), numbers[rows].tolist(), strict=True
            ):
                out[row] = pool[i].replace("{n}", str(n))
        return self._frame(out, lang)


def _indices(u: np.ndarray, size: int) -> list[int]:
    """Uniform draws in [0, 1) turned into indices of a pool of `size` items."""
    return np.minimum((u * size).astype(np.int64), size - 1).tolist()
