"""Shared vocabularies for account profiles: languages, names, bios, locations, clients.

Organic and campaign accounts draw from these same pools through the same functions, so no profile
field by itself tells the two apart (the scenario's hard constraint).
"""

from __future__ import annotations


def lines(block: str) -> tuple[str, ...]:
    """Non-empty stripped lines of a block: keeps long vocabularies readable."""
    return tuple(line.strip() for line in block.strip().splitlines() if line.strip())


def words(block: str) -> tuple[str, ...]:
    """Whitespace-separated words of a block (name lists)."""
    return tuple(block.split())


# Tweet language codes, as the platform declares them (index = language code used in arrays).
LANGS: tuple[str, ...] = ("en", "fr", "zh", "es", "ar", "pt", "de", "it", "tl", "hi", "ko", "und")
LANG = {code: i for i, code in enumerate(LANGS)}
# The account-language spelling in X Information Operations archives.
ACCOUNT_LANG_CODES: tuple[str, ...] = tuple("zh-cn" if c == "zh" else c for c in LANGS)

# Declared-language mix of ordinary accounts in Canadian political traffic.
ORGANIC_LANG_MIX: dict[str, float] = {
    "en": 0.60, "fr": 0.21, "zh": 0.05, "es": 0.045, "ar": 0.035, "pt": 0.025,
    "de": 0.01, "it": 0.008, "tl": 0.007, "hi": 0.006, "ko": 0.004,
}  # fmt: skip

CLIENTS: tuple[str, ...] = (
    "Twitter for iPhone",
    "Twitter for Android",
    "Twitter Web App",
    "Twitter for iPad",
    "TweetDeck Web App",
    "Hootsuite Inc.",
    "Buffer",
    "Twitter for Mac",
)
CLIENT_WEIGHTS: tuple[float, ...] = (0.34, 0.29, 0.26, 0.035, 0.03, 0.02, 0.01, 0.015)

# Name pools per name group; the group follows the account's language (with some mixing).
NAME_GROUPS: tuple[str, ...] = ("en", "fr", "zh", "es", "ar", "pt", "other")
FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "en": words("""
        James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard
        Susan Joseph Jessica Thomas Sarah Chris Karen Daniel Lisa Matthew Nancy Mark Ashley Paul Emily
        Steven Megan Andrew Donna Kevin Michelle Brian Amanda Ryan Melissa Jason Stephanie Tyler Heather
        Connor Brittany Liam Olivia Noah Emma Ethan Ava Logan Chloe
    """),
    "fr": words("""
        Jean Marie Pierre Nathalie Luc Isabelle Marc Sophie Michel Julie Philippe Caroline Martin
        Genevieve Francois Chantal Alain Sylvie Sebastien Valerie Mathieu Catherine Guillaume Annie
        Etienne Melanie Olivier Josee Simon Emilie Benoit Karine Yves Manon Gabriel Lea
    """),
    "zh": words("""
        Wei Fang Lei Jing Jun Li Hao Ying Tao Xin Yan Ming Hui Qiang Min Jie Yu Bo Lan Kai Ning Rui
        Xiaoming Meiling Zhiwei Xue
    """),
    "es": words("""
        Carlos Maria Jose Ana Luis Carmen Javier Lucia Miguel Sofia Diego Elena Alejandro Paula
        Fernando Laura Andres Marta Pablo Gabriela Sergio Valentina Ricardo Daniela
    """),
    "ar": words("""
        Mohammed Fatima Ahmed Aisha Omar Layla Youssef Mariam Ali Nour Hassan Salma Khaled Rania Karim
        Yasmin Tarek Huda Samir Leila Mahmoud Dina Ibrahim Zainab
    """),
    "pt": words("""
        Joao Ana Pedro Mariana Lucas Beatriz Gabriel Juliana Rafael Camila Thiago Larissa Bruno
        Fernanda Felipe Amanda Gustavo Leticia Rodrigo Bianca
    """),
    "other": words("""
        Lukas Anna Marco Giulia Jonas Lena Matteo Chiara Rohan Priya Arjun Ananya Miguel Maricel
        Jose Rizal Minjun Seoyeon Felix Hannah
    """),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "en": words("""
        Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin
        Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill
        Green Adams Baker Nelson Carter Mitchell Campbell Roberts Turner Phillips Parker Evans Edwards
        Collins Stewart Murphy Cook Morgan Reid MacDonald Fraser Ross Hughes
    """),
    "fr": words("""
        Tremblay Gagnon Roy Cote Bouchard Gauthier Morin Lavoie Fortin Gagne Ouellet Pelletier Belanger
        Levesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dube Poirier
        Fournier Lapointe Leclerc Lefebvre Poulin
    """),
    "zh": words("""
        Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo Gao Zheng Liang
        Xie Tang Han
    """),
    "es": words("""
        Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera
        Gomez Diaz Cruz Morales Ortiz Gutierrez Chavez Ramos Ruiz Alvarez Castillo Vargas
    """),
    "ar": words("""
        Haddad Khalil Nasser Saleh Hamdan Aziz Mansour Farouk Abbas Rahman Qasim Sabbagh Darwish Hijazi
        Karam Mourad Yassin Bakr Suleiman Othman Jaber Hakim Zaki Fadel
    """),
    "pt": words("""
        Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro Martins
        Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa
    """),
    "other": words("""
        Muller Schmidt Rossi Russo Bianchi Weber Fischer Romano Sharma Patel Gupta Singh Reyes Santos
        Dela Kim Park Lee Choi Bauer
    """),
}
NAME_EMOJI: tuple[str, ...] = ("🇨🇦", "🍁", "🌿", "✨", "🌊", "⚜️", "🏒", "☕")

BIOS: dict[str, tuple[str, ...]] = {
    "en": lines("""
        Proud Canadian. Dad, husband, hockey fan.
        Mom of two. Coffee first. Opinions are my own.
        Retired teacher. Gardener. Reader of too many books.
        Nurse. Tired. Still hopeful.
        Travel nerd. Social media evangelist. Zombie junkie. Total creator.
        Engineer by day, baker by night.
        Small business owner in Ontario.
        Union member. Fighting for fair wages.
        Policy wonk. Views my own, RT ≠ endorsement.
        Just here for the news and the dogs.
        Leafs fan through thick and thin.
        Living in BC, loving the mountains.
        Student. Future lawyer. #cdnpoli
        Grandmother, knitter, news junkie.
        Veteran. Canadian Armed Forces, retired.
        Music lover 🎵 | Foodie | Traveller
        Housing advocate. Everyone deserves a home.
        Climate action now. 🌍
        Farmer from Saskatchewan.
        Software developer. Cats > dogs.
        Life is short, enjoy every moment.
        Photographer | Nature | Light
        Just a regular person with opinions.
        Accountant. Numbers don't lie.
        Bookworm 📚 | Tea drinker | Dreamer
        Healthcare worker. Public health matters.
        Sports, politics and bad jokes.
        Canadian living abroad.
        Be kind. Always.
        Marketing professional. Curious about everything.
        Truck driver. Long roads, short tweets.
        Writer. Runner. Overthinker.
        Immigrant, citizen, proud.
        Fishing, camping and the great outdoors.
        Community volunteer. Love my neighbourhood.
        Tech enthusiast. Early adopter.
    """),
    "fr": lines("""
        Fier Québécois. Papa et amateur de hockey.
        Maman, enseignante, lectrice passionnée.
        Infirmière. Fatiguée mais motivée.
        Citoyen engagé. #polqc
        Amoureux de la nature et du plein air.
        Retraité. Jardinier. Grand-père heureux.
        Étudiante en droit à Montréal.
        Entrepreneur. Café noir, idées claires.
        La vie est belle. ☀️
        Syndicaliste et fier de l'être.
        Photographe amateur. Montréal.
        Je dis ce que je pense.
        Passionnée de cuisine et de voyages.
        Travailleur de la santé.
        Lecteur, marcheur, rêveur.
    """),
    "zh": lines("""
        生活在温哥华，热爱生活。
        多伦多上班族，喜欢美食。
        关注加拿大新闻。
        摄影爱好者 📷
        热爱旅行和读书。
        一个普通人，说普通的话。
        Living in Richmond. 美食 | 旅行
        工程师，跑步爱好者。
        Markham dad. 篮球迷。
        愿世界和平。
    """),
    "es": lines("""
        Amante del fútbol y la buena comida.
        Mamá, ingeniera y soñadora.
        Latino en Canadá. 🇨🇦🇲🇽
        La vida es un viaje.
        Periodista independiente.
        Hincha de corazón. ⚽
        Café, libros y música.
        Emprendedor. Siempre aprendiendo.
    """),
    "ar": lines("""
        الحمد لله على كل حال
        مهندس. أحب القراءة والسفر.
        كرة القدم شغفي ⚽
        أب وزوج. كندا 🇨🇦
        طالب جامعي في تورنتو
        مهتم بالتقنية والأخبار.
        Engineer | Traveller | Coffee
        الحياة جميلة 🌹
    """),
    "pt": lines("""
        Apaixonado por futebol e família.
        Brasileira no Canadá. 🇧🇷🇨🇦
        Engenheiro, corredor e sonhador.
        Vida simples, coração grato.
        Café, música e boas conversas.
        Professor. Sempre aprendendo.
    """),
    "other": lines("""
        Reisen, Fotografie, Kaffee.
        Amo la pizza e il calcio.
        Proud Filipino-Canadian. 🇵🇭🇨🇦
        Software engineer. Cricket fan.
        Living life one day at a time.
        커피와 음악을 좋아해요.
    """),
}
LOCATIONS: dict[str, tuple[str, ...]] = {
    "en": lines("""
        Toronto, Ontario
        Vancouver, BC
        Calgary, Alberta
        Ottawa, ON
        Edmonton, Canada
        Winnipeg, Manitoba
        Halifax, Nova Scotia
        Victoria, BC
        Hamilton, Ontario
        Regina, SK
        Saskatoon
        London, Ontario
        Kitchener-Waterloo
        Canada
        🇨🇦
        Ontario, Canada
        British Columbia
        Somewhere in Alberta
        St. John's, NL
        Mississauga
        Brampton, ON
        Kelowna, BC
        Seattle, WA
        New York, USA
        London, England
        Earth
    """),
    "fr": lines("""
        Montréal, Québec
        Québec, Canada
        Gatineau
        Sherbrooke, QC
        Trois-Rivières
        Laval, Québec
        Longueuil
        Saguenay
        Moncton, NB
        Paris, France
        Québec
        Lévis
    """),
    "zh": lines("""
        Vancouver, BC
        Richmond, British Columbia
        Markham, Ontario
        Toronto
        温哥华
        多伦多
        Burnaby, BC
        加拿大
        Hong Kong
        Taipei
    """),
    "es": lines("""
        Toronto, Ontario
        Montréal
        Ciudad de México
        Madrid, España
        Bogotá, Colombia
        Buenos Aires
        Santiago, Chile
        Lima, Perú
        Vancouver
    """),
    "ar": lines("""
        Toronto
        Montréal
        Mississauga, ON
        Riyadh
        Cairo, Egypt
        Dubai
        Amman
        Beirut
        Casablanca
    """),
    "pt": lines("""
        São Paulo, Brasil
        Rio de Janeiro
        Lisboa, Portugal
        Toronto, ON
        Belo Horizonte
        Porto Alegre
        Montréal
    """),
    "other": lines("""
        Berlin
        Milano
        Manila
        Mumbai
        Seoul
        Toronto
        Surrey, BC
        Winnipeg
    """),
}
