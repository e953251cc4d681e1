"""Words the demo dataset is made of: Flemish names, streets and trade names.

Every person and company in the demo is fictional; e-mail addresses use the reserved
`.test` top-level domain so that no message can reach a real business.
"""

SURNAMES = (
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Hermans", "Aerts", "Pauwels", "Vermeulen", "Van Damme",
    "De Clercq", "Martens", "Lambrechts", "Verhoeven", "Van den Broeck", "Vandenberghe",
    "Devos", "Hendrickx", "Michiels", "Segers", "Coppens", "Verstraete", "Van de Velde",
    "De Backer", "Smets", "Cools", "Claeys", "Van Hoof", "Verbeke", "Vanhoutte", "Deprez",
    "Stevens", "Bogaert", "Maenhout", "Lemmens", "De Wilde", "Verlinden", "Vervaet",
    "Baert", "Vermeersch", "Dewulf", "Ghesquière", "Vanneste", "Callewaert", "Devriendt",
    "Debruyne", "Lievens", "Mortier", "Van Acker", "Bracke", "Decock", "Vandewalle",
    "Van Looy", "Geerts", "Thys", "Wuyts", "Bosmans", "Verschueren", "Nijs", "Vos",
)

YOUNG_FIRST_NAMES = (
    "Lucas", "Noah", "Arthur", "Louis", "Liam", "Jules", "Finn", "Mats", "Adam", "Victor",
    "Emma", "Olivia", "Louise", "Mila", "Nora", "Elena", "Marie", "Lina", "Fien", "Lotte",
    "Wout", "Jef", "Tuur", "Seppe", "Ruben", "Jonas", "Lore", "Hanne", "Ines", "Zoë",
    "Yasmine", "Mohamed", "Amira", "Rayan", "Sara", "Bram", "Stijn", "Kobe", "Senne",
    "Femke", "Milan", "Kato", "Jasper", "Lars", "Ilias", "Aya", "Robbe", "Jana", "Warre",
)

ADULT_FIRST_NAMES = (
    "Bart", "Kristof", "Tom", "Peter", "Sofie", "Els", "Katrien", "Geert", "Dirk", "Ann",
    "Nathalie", "Steven", "Wim", "Veerle", "Joris", "Nele", "Pieter", "Karen", "Filip",
    "Hilde", "Koen", "Inge", "Jan", "Griet", "Davy", "Sarah", "Kevin", "Lien", "Nico",
)

STREETS = (
    "Stationsstraat", "Kerkstraat", "Industrieweg", "Nijverheidslaan", "Dorpsstraat",
    "Molenstraat", "Kortrijksesteenweg", "Brugsesteenweg", "Gentsesteenweg", "Ambachtenlaan",
    "Hoogstraat", "Nieuwstraat", "Marktplein", "Zuidstraat", "Noordlaan", "Kapelstraat",
    "Schoolstraat", "Ringlaan", "Zandstraat", "Beekstraat", "Lindenlaan", "Handelsstraat",
    "Bedrijvenpark", "Europalaan", "Kouter", "Heirweg", "Veldstraat", "Leopoldlaan",
)

# Trade names per sector of the programme catalogue; a company's name begins with one.
TRADE_NAMES = {
    "Bouw": ("Bouwbedrijf", "Bouwwerken", "Aannemingen", "Renovatie", "Dakwerken",
             "Sanitair", "Schilderwerken"),
    "Elektro en installatie": ("Elektro", "Elektriciteitswerken", "Installaties",
                               "Techniek", "Koeltechniek", "Energietechniek"),
    "Hout": ("Schrijnwerkerij", "Houtbouw", "Interieurbouw", "Meubelmakerij", "Trappen"),
    "Metaal en technologie": ("Metaalwerken", "Constructie", "Laswerken", "Machinebouw"),
    "Auto en mobiliteit": ("Garage", "Bandencentrale", "Autobedrijf", "Carrosserie"),
    "Voeding": ("Bakkerij", "Banketbakkerij", "Chocolaterie", "Slagerij", "Beenhouwerij"),
    "Horeca": ("Restaurant", "Brasserie", "Hotel", "Traiteur", "Bistro", "Eethuis"),
    "Haarzorg en schoonheid": ("Kapsalon", "Haarstudio", "Kapper"),
    "Zorg": ("Woonzorgcentrum", "Thuiszorg", "Zorgcentrum"),
    "Kinderopvang": ("Kinderdagverblijf", "Kinderopvang", "Crèche"),
    "Land- en tuinbouw": ("Tuinaanleg", "Groenbeheer", "Hoveniersbedrijf", "Kwekerij"),
    "Handel": ("Winkel", "Supermarkt", "Doe-het-zelf", "Handelshuis"),
    "Logistiek": ("Transport", "Logistiek", "Distributie"),
    "Chemie": ("Chemicals", "Procestechniek"),
    "Textiel": ("Confectie", "Atelier", "Textiel"),
    "Sport": ("Fitness", "Sportcentrum"),
    "Binnenvaart": ("Rederij", "Scheepvaart"),
}

# Share of recognised companies per sector in the demo (a judgement from the sizes of
# the sectors in Flemish dual learning: construction, electro and horeca lead).
SECTOR_WEIGHTS = {
    "Bouw": 20, "Elektro en installatie": 14, "Horeca": 12, "Auto en mobiliteit": 9,
    "Voeding": 8, "Hout": 8, "Metaal en technologie": 8, "Handel": 7,
    "Haarzorg en schoonheid": 5, "Land- en tuinbouw": 4, "Zorg": 3, "Logistiek": 3,
    "Kinderopvang": 2, "Chemie": 1, "Textiel": 1, "Sport": 1, "Binnenvaart": 0.5,
}

LEGAL_FORMS = ("bv", "nv", "bv", "bv", "", "commv")

SCHOOL_NAMES = {
    "secondary": ("VTI", "Sint-Jozefsinstituut", "Technisch Instituut", "GO! Atheneum",
                  "Don Bosco", "Provinciaal Instituut", "Stedelijk Lyceum", "KTA",
                  "Sint-Vincentiusinstituut", "Hotelschool", "Technicum"),
    "part_time_centre": ("CDO",),
    "syntra": ("Syntra campus",),
    "adult_centre": ("CVO",),
}

HOURS_PATTERNS = ("dag", "dag", "dag", "vroeg", "avond", "weekend", "ploegen")
