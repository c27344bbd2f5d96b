"""The demo data: two plans that mirror the real Varde and Randers plans.

Areas, organisations, roles and the plans' texts follow the sources (texts paraphrased). Every person is
invented: names, phone numbers (Denmark has no range reserved for fiction, so every demo number has 99 as its
second pair, e.g. 20 99 41 01) and e-mail addresses on the reserved `.example` top-level domain (RFC 2606), so
no real person can be reached from the demo.
"""

import datetime
from dataclasses import dataclass, field

from boligsocial.directory.models import OrganisationKind
from boligsocial.plans.models import Audience, DeadlineKind

# One password for every demo login; it passes the project's password validators.
PASSWORD = "tryghed-demo"  # noqa: S105
# One authenticator secret (20 bytes, hex) for every demo login that must use two-factor sign-in, printed by
# `load_demo` so a visitor can add it to an authenticator app, or run `load_demo --code` for the current code.
TOTP_KEY = "626f6c69677369616c2d64656d6f2d746f747021"  # noqa: S105


@dataclass(frozen=True)
class Org:
    name: str
    kind: str
    is_public_authority: bool


@dataclass(frozen=True)
class Area:
    name: str
    municipality: str
    # (department name, key of the housing organisation)
    departments: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DemoPerson:
    name: str
    title: str
    org: str
    phone: str
    email: str


@dataclass(frozen=True)
class Member:
    person: str
    role: str
    priority: int | None = None
    coordinator: bool = False
    substitute_for: str | None = None


@dataclass(frozen=True)
class Level:
    description: str
    examples: str = ""
    deadline_kind: str = DeadlineKind.NONE
    deadline_value: int | None = None
    acknowledge_wait_minutes: int = 240


@dataclass(frozen=True)
class Role:
    audience: str
    description: str
    person: str | None = None
    org: str | None = None
    spokesperson: bool = False


@dataclass(frozen=True)
class Signed:
    org: str
    person: str
    title: str
    on: datetime.date


@dataclass(frozen=True)
class PlanData:
    name: str
    valid_from: datetime.date
    valid_until: datetime.date
    areas: tuple[str, ...]
    texts: dict[str, str]
    preventive_meetings_per_year: int
    levels: dict[str, Level]
    members: tuple[Member, ...]
    adhoc: tuple[tuple[str, str | None, str], ...]
    outreach: tuple[tuple[str, str | None, str], ...]
    communication: tuple[Role, ...]
    signatures: tuple[Signed, ...]
    lbf_approved_on: datetime.date
    fallbacks: tuple[tuple[str, str, str], ...] = field(default=())


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    person: str | None  # None: the administrator, who is not in the directory


ORGANISATIONS: dict[str, Org] = {
    # Varde
    "sjpol": Org("Syd- og Sønderjyllands Politi", OrganisationKind.POLICE, True),
    "varde_kommune": Org("Varde Kommune", OrganisationKind.MUNICIPALITY, True),
    # Ungdomsskolen is a municipal school and an SSP party under retsplejeloven § 115.
    "varde_ungdomsskole": Org("Varde Ungdomsskole", OrganisationKind.YOUTH_SCHOOL, True),
    "vardebolig": Org("Varde Bolig Administration", OrganisationKind.HOUSING, False),
    "varde_sekretariat": Org(
        "Det Boligsociale Sekretariat, Boulevardbebyggelserne", OrganisationKind.SECRETARIAT, False
    ),
    # Randers
    "ojpol": Org("Østjyllands Politi", OrganisationKind.POLICE, True),
    "randers_kommune": Org("Randers Kommune", OrganisationKind.MUNICIPALITY, True),
    "randers_ungdomsskole": Org("Randers Ungdomsskole", OrganisationKind.YOUTH_SCHOOL, True),
    # Bysekretariatet represents the housing organisations in the group, so it is not treated as an authority.
    "bysekretariatet": Org("Bysekretariatet, Randers", OrganisationKind.SECRETARIAT, False),
    "randersbolig": Org("RandersBolig", OrganisationKind.HOUSING, False),
    "lejerbo": Org("Lejerbo", OrganisationKind.HOUSING, False),
}

# The sources name the areas, not their departments; the demo gives each area the departments the Randers plan
# names (Møllevænget, Storgaarden) or one named after the area. Which organisation owns which is illustrative.
AREAS: dict[str, Area] = {
    "lerpoet": Area("Lerpøtparken", "Varde", (("Lerpøtparken", "vardebolig"),)),
    "vestparken": Area("Vestparken", "Varde", (("Vestparken", "vardebolig"),)),
    "isbjerg": Area("Isbjerg Parken", "Varde", (("Isbjerg Parken", "vardebolig"),)),
    "jennum": Area("Gl. Jennumparken", "Randers", (("Gl. Jennumparken", "randersbolig"),)),
    "vangdalen": Area("Vangdalen", "Randers", (("Vangdalen", "lejerbo"),)),
    "glarbjerg": Area(
        "Glarbjergvej, Hermann Stillingsvej og Energivej",
        "Randers",
        (("Møllevænget", "randersbolig"), ("Storgaarden", "randersbolig")),
    ),
    "sjaellandsgade": Area("Sjællandsgadekvarteret", "Randers", (("Sjællandsgadekvarteret", "randersbolig"),)),
    "centrale": Area("Centrale Randers", "Randers", (("Centrale Randers", "randersbolig"),)),
}

PEOPLE: dict[str, DemoPerson] = {
    # Varde
    "varde_police": DemoPerson(
        "Anders Vestergaard Holm",
        "Leder af lokalpolitiet i Varde",
        "sjpol",
        "20 99 41 01",
        "avh@sjpol.example",
    ),
    "varde_youth": DemoPerson(
        "Birgitte Skov Lund", "Ungdomsskoleleder", "varde_ungdomsskole", "20 99 41 02", "bsl@varde.example"
    ),
    "varde_municipal": DemoPerson(
        "Carsten Bach Møller", "Social- og handicapchef", "varde_kommune", "20 99 41 03", "cbm@varde.example"
    ),
    "varde_housing": DemoPerson(
        "Dorthe Kjær Iversen",
        "Direktør, Varde Bolig Administration",
        "vardebolig",
        "20 99 41 04",
        "dki@vardebolig.example",
    ),
    "varde_coordinator": DemoPerson(
        "Emil Hvid Thomsen", "Boligsocial leder", "varde_sekretariat", "20 99 41 05", "eht@vardebb.example"
    ),
    "varde_staff": DemoPerson(
        "Freja Lind Poulsen",
        "Boligsocial medarbejder",
        "varde_sekretariat",
        "20 99 41 06",
        "flp@vardebb.example",
    ),
    # Randers: the group
    "randers_ssp": DemoPerson(
        "Gustav Krogh Nissen", "SSP-konsulent", "randers_ungdomsskole", "30 99 86 01", "gkn@randers.example"
    ),
    "randers_police": DemoPerson(
        "Helle Brandt Sørensen", "Politikommissær", "ojpol", "30 99 86 02", "hbs@ojpol.example"
    ),
    "randers_police_substitute": DemoPerson(
        "Ib Juul Mortensen", "Politikommissær", "ojpol", "30 99 86 03", "ijm@ojpol.example"
    ),
    "randers_children": DemoPerson(
        "Jonas Friis Dam",
        "Centerleder, Børne- og Ungecenteret",
        "randers_kommune",
        "30 99 86 04",
        "jfd@randers.example",
    ),
    "randers_psychiatry": DemoPerson(
        "Karina Bech Winther",
        "Afdelingsleder, Center for psykiatri og socialt udsatte",
        "randers_kommune",
        "30 99 86 05",
        "kbw@randers.example",
    ),
    "randers_coordinator": DemoPerson(
        "Lise Munk Ravn",
        "Chef for bystrategisk udvikling",
        "bysekretariatet",
        "30 99 86 06",
        "lmr@randers.example",
    ),
    "randers_randersbolig": DemoPerson(
        "Mads Toft Eriksen",
        "Inspektør, Møllevænget & Storgaarden",
        "randersbolig",
        "30 99 86 07",
        "mte@randersbolig.example",
    ),
    "randers_lejerbo": DemoPerson(
        "Nanna Holt Bruun", "Lokalinspektør", "lejerbo", "30 99 86 08", "nhb@lejerbo.example"
    ),
    "randers_staff": DemoPerson(
        "Oskar Ryberg Lauridsen",
        "Boligsocial medarbejder",
        "bysekretariatet",
        "30 99 86 09",
        "orl@randers.example",
    ),
    # Randers: press contacts
    "randers_press_municipality": DemoPerson(
        "Poul Aagaard Vind",
        "Direktør for Udvikling, Miljø og Teknik; formand for den boligsociale helhedsplans bestyrelse",
        "randers_kommune",
        "40 99 86 11",
        "pav@randers.example",
    ),
    "randers_press_police": DemoPerson(
        "Rikke Lykke Thorsen", "Vicepolitiinspektør", "ojpol", "40 99 86 12", "rlt@ojpol.example"
    ),
    "randers_press_lejerbo": DemoPerson(
        "Søren Gram Husted", "Forretningsfører", "lejerbo", "40 99 86 13", "sgh@lejerbo.example"
    ),
    "randers_press_randersbolig": DemoPerson(
        "Tina Bundgaard Vinther",
        "Direktør/forretningsfører",
        "randersbolig",
        "40 99 86 14",
        "tbv@randersbolig.example",
    ),
}

VARDE = PlanData(
    name="Boulevardbebyggelserne i Varde",
    valid_from=datetime.date(2025, 1, 1),
    valid_until=datetime.date(2028, 12, 31),
    areas=("lerpoet", "vestparken", "isbjerg"),
    texts={
        "legal_basis": (
            "Efter regulativ om boligsocial indsats i udsatte almene boligafdelinger (2015-2018-midlerne), § "
            "6, stk. 6, nr. 5, skal alle godkendte boligsociale helhedsplaner have en beredskabsplan. Planen "
            "godkendes og underskrives af de involverede parter og godkendes af Landsbyggefonden. Den "
            "bruges, når en situation i boligområdet kræver handling eller orientering."
        ),
        "purpose": (
            "Samarbejdsaftalen om det boligsociale beredskab er et bilag til den boligsociale helhedsplan. "
            "Den skal støtte myndighedernes håndtering af akutte kriser i Boulevardbebyggelserne og den "
            "boligsociale indsats i de tre afdelinger. Beredskabet skal:\n"
            "- aktivere netværk og lokale ressourcer, så der hurtigt bliver ro og orden i området igen,\n"
            "- sikre én klar information indadtil og udadtil om hændelserne, så der skabes afklaring og "
            "områdets omdømme skades mindst muligt,\n"
            "- finde en løsning på krisen i samarbejde.\n"
            "Kriser er fx skyderi, ildspåsættelse, hærværk, overfald, slåskampe og anden uro, der er særligt "
            "voldsom, gentager sig eller er organiseret."
        ),
        "organisation_text": (
            "Beredskabet har fem faste medlemmer: lederen af lokalpolitiet i Varde, lederen af Ungdomsskolen "
            "og SSP i Varde, en kommunal repræsentant på chefniveau, direktøren for Varde Bolig "
            "Administration og den boligsociale leder, som er tovholder. Efter behov indkaldes "
            "repræsentanter ad hoc, fx fra det boligsociale team, SSP, skolerne, daginstitutionerne og "
            "driften i boligorganisationerne.\n"
            "En gang om året holdes et bredt politimøde i forlængelse af beredskabsmødet med formænd for "
            "afdelings- og organisationsbestyrelser, viceværter, boligorganisationernes ledelse, politi, SSP "
            "og det boligsociale team.\n"
            "Styregruppen for helhedsplanens indsatsområde Tryghed og Trivsel kan inviteres til et "
            "beredskabsmøde og foreslå ændringer i helhedsplanens aktiviteter til bestyrelsens godkendelse."
        ),
        "powers_text": (
            "Alle faste medlemmer kan aktivere beredskabet, med eller uden en politisag. Aktiveringen sætter "
            "fire trin i gang:\n"
            "1. Den akutte krise er bekræftet i beredskabsgruppen.\n"
            "2. Gruppen mødes hurtigst muligt, får det aktuelle situationsbillede (også mediernes "
            "beskrivelse) og aftaler den videre handling og koordinering.\n"
            "3. Relevante medarbejdere sættes i gang, og beboere og lokale ressourcepersoner mobiliseres.\n"
            "4. Informationen udadtil sættes i gang.\n"
            "Gruppen kan også beslutte uden at være samlet, fx når handlingen er åbenlys eller aftales pr. "
            "mail eller telefon. Aktiverer politiet beredskabet, følger parterne politiets anvisninger; "
            "aktiverer kommunen, en boligorganisation eller sekretariatet det, koordineres der pr. telefon "
            "og mail."
        ),
        "communication_text": (
            "Syd- og Sønderjyllands Politi udtaler sig til medierne; gruppens kontaktperson er lederen af "
            "lokalpolitiet i Varde. Med politiets udtalelse som udgangspunkt informerer Det Boligsociale "
            "Sekretariat samarbejdspartnere og beboere, i det omfang beredskabet finder det nødvendigt.\n"
            "I en krise mødes de boligsociale medarbejdere i sekretariatet, får situationen forklaret og en "
            "defineret opgave af den boligsociale leder og tager opsøgende kontakt til beboernes netværk pr. "
            "telefon, sociale medier og mail. Sekretariatet kan aktivere civile netværk og "
            "afdelingsbestyrelser, informerer Den Boligsociale Bestyrelse og giver driften, beboerne, "
            "institutioner og foreninger korrekt og rettidig information."
        ),
        "prevention_text": (
            "Beredskabet mødes to gange om året for at forebygge akutte hændelser. Parterne orienterer "
            "hinanden om tryghedssituationen: hændelser, igangværende tiltag, ændringer i strukturer og i "
            "områdets kriminalitetsdata. Før møderne samler hvert medlem relevant viden fra sin egen "
            "organisation."
        ),
        "confidentiality_text": (
            "Der er tavshedspligt ved alle møder. Oplysninger udveksles kun inden for retsplejelovens § 115 "
            "og forvaltningslovens regler. Personer, der ikke repræsenterer en offentlig myndighed, kan som "
            "udgangspunkt ikke modtage private og fortrolige oplysninger."
        ),
    },
    preventive_meetings_per_year=2,
    levels={
        "green": Level(
            "Det forebyggende arbejde: beredskabet mødes to gange om året og orienterer hinanden om "
            "tryghedssituationen.",
        ),
        # The Varde plan has one crisis level; yellow is the demo's reading of "begyndende uro".
        "yellow": Level(
            "Begyndende eller gentagen uro, som gruppen vil tage hånd om, før den bliver en akut krise.",
            "Gentaget hærværk, uro omkring en gruppe unge",
            DeadlineKind.ASAP,
            72,
            240,
        ),
        "red": Level(
            "En akut krise er opstået og bekræftet i beredskabsgruppen. Gruppen mødes hurtigst muligt.",
            "Skyderi, ildspåsættelse, hærværk, overfald, slåskampe og anden særligt voldsom, gentagen eller "
            "organiseret uro",
            DeadlineKind.ASAP,
            24,
            10,
        ),
    },
    # The source's contact-list order: police, housing director, coordinator, youth school, municipality.
    members=(
        Member("varde_police", "Leder af lokalpolitiet i Varde", 1),
        Member("varde_housing", "Direktør, Varde Bolig Administration", 2),
        Member("varde_coordinator", "Boligsocial leder", 3, coordinator=True),
        Member("varde_youth", "Leder af Ungdomsskole og SSP i Varde", 4),
        Member("varde_municipal", "Kommunal repræsentant på chefniveau", 5),
    ),
    adhoc=(
        ("Det boligsociale team", "varde_sekretariat", ""),
        ("SSP", "varde_ungdomsskole", ""),
        ("Skolerne", None, ""),
        ("Daginstitutionerne", None, ""),
        ("Driften i boligorganisationerne", "vardebolig", "Varmemestre og driftspersonale"),
        (
            "Styregruppen for Tryghed og Trivsel",
            None,
            "Kan foreslå ændringer i helhedsplanens aktiviteter til bestyrelsens godkendelse",
        ),
    ),
    outreach=(
        ("Varmemestre", None, "Telefon"),
        ("Fædregruppe", "varde_staff", "Telefon og sociale medier"),
        ("Kvindegruppe", "varde_staff", "Telefon og sociale medier"),
        ("Frivillige i helhedsplanen", None, "Mail og sms"),
        ("Unge i Blok 22", "varde_staff", "Telefon og sociale medier"),
        ("Andre unge i helhedsplanens aktiviteter", None, "Sociale medier"),
        ("Samarbejdspartnere i boligorganisationerne og Varde Kommune", None, "Mail og telefon"),
    ),
    communication=(
        Role(
            Audience.PRESS,
            "Syd- og Sønderjyllands Politi udtaler sig til medierne; kontaktperson er lederen af lokalpolitiet.",
            person="varde_police",
            org="sjpol",
            spokesperson=True,
        ),
        Role(
            Audience.RESIDENTS,
            "Informerer beboerne med politiets udtalelse som udgangspunkt.",
            person="varde_coordinator",
        ),
        Role(
            Audience.PARTNERS,
            "Informerer samarbejdspartnere, institutioner og foreninger.",
            person="varde_coordinator",
        ),
        Role(
            Audience.BOARDS,
            "Informerer Den Boligsociale Bestyrelse og afdelingsbestyrelserne korrekt og rettidigt.",
            person="varde_coordinator",
        ),
        Role(
            Audience.OPERATIONS,
            "Informerer driftsafdelingerne i Boulevardbebyggelserne.",
            person="varde_coordinator",
        ),
    ),
    signatures=(
        Signed("sjpol", "varde_police", "Leder af politiet i Varde", datetime.date(2024, 11, 25)),
        Signed("vardebolig", "varde_housing", "Direktør", datetime.date(2024, 11, 26)),
        Signed("varde_sekretariat", "varde_coordinator", "Boligsocial leder", datetime.date(2024, 11, 26)),
        Signed("varde_ungdomsskole", "varde_youth", "Ungdomsskoleleder", datetime.date(2024, 11, 28)),
        Signed("varde_kommune", "varde_municipal", "Social- og handicapchef", datetime.date(2024, 12, 2)),
    ),
    lbf_approved_on=datetime.date(2024, 12, 16),
)

RANDERS = PlanData(
    name="Randers 2025-2029",
    valid_from=datetime.date(2025, 1, 1),
    valid_until=datetime.date(2029, 12, 31),
    areas=("jennum", "vangdalen", "glarbjerg", "sjaellandsgade", "centrale"),
    texts={
        "legal_basis": (
            "Som en del af den samlede boligsociale helhedsplan 2025-29 skal indsatsen have en "
            "beredskabsplan. Planen skal være godkendt og underskrevet af de involverede parter og godkendt "
            "af Landsbyggefonden inden tilsagn. Den følger Landsbyggefondens skabelon og bruges, når en "
            "situation i boligområderne kræver handling eller orientering."
        ),
        "purpose": (
            "Planen gælder boligafdelingerne i Den Boligsociale Helhedsplan 2025-29 i Randers: Gl. "
            "Jennumparken, Vangdalen, området omkring Glarbjergvej, Hermann Stillingsvej og Energivej, "
            "Sjællandsgadekvarteret og Centrale Randers. Den skal sikre en koordineret indsats og en klar "
            "ansvarsfordeling, når situationer eller konflikter spidser til eller vender tilbage og kræver "
            "hurtig, foregribende indsats (gult niveau), og når akutte situationer kræver indgriben hurtigst "
            "muligt (rødt niveau).\n"
            "Planen skal også sikre information til og aktivering af lokale netværk, både i boligområdet og "
            "udadtil, så der skabes ro og afklaring. Den bygger på det kriminalpræventive arbejde i Randers "
            "Kommune: Puls, SSP-koordinationsteamet og handleplanen for lokalrådet."
        ),
        "organisation_text": (
            "Beredskabsgruppen indkaldes ved gule og røde situationer. Alle medlemmer kan tage initiativ til "
            "at samle gruppen; andre kan henvende sig til et medlem, som så kan aktivere beredskabet. Chefen "
            "for bystrategisk udvikling i Bysekretariatet kontaktes og sørger for, at alle bliver inviteret. "
            "På mødet vurderes situationen, og parterne aftaler, hvordan de koordinerer og støtter "
            "hinanden.\n"
            "SSP-konsulenten aktiverer SSP-netværket (skole, opsøgende medarbejdere, klubmedarbejdere), hvis "
            "situationen kræver det. Chefen for bystrategisk udvikling informerer de boligsociale "
            "medarbejdere og, efter aftale med gruppen, beboerne og afdelingsbestyrelserne, og har dialogen "
            "med boligorganisationernes driftsenheder sammen med inspektøren. Hver deltager orienterer sin "
            "egen organisation og gennemfører det, der er aftalt i handleplanen.\n"
            "Medlemmerne holder selv deres oplysninger opdaterede. Fratræder et medlem, udpeger "
            "organisationen en efterfølger og giver besked til chefen for bystrategisk udvikling. "
            "Bysekretariatet er tovholder for et årligt statusmøde."
        ),
        "powers_text": (
            "I akutte krisesituationer følger parterne politiets anvisninger; beredskabsplanen er et "
            "understøttende redskab. Hvert medlem kan aktivere planen ved gule og røde situationer. Inden "
            "aktivering kontaktes politiet så vidt muligt for at afdække situationen og afklare, om der skal "
            "aktiveres på gult eller rødt niveau. Chefen for bystrategisk udvikling inviterer til mødet, og "
            "relevante ad hoc personer kan indkaldes.\n"
            "Bysekretariatet informerer beboerne og andre relevante personer efter aftale med gruppen og i "
            "samarbejde med direktør og forretningsfører i RandersBolig og Lejerbo.\n"
            "Efter en aktivering vurderer gruppen, om indsatsen skal evalueres før det årlige møde; en "
            "evaluering skal foreligge umiddelbart efter aktiveringen og kan vise, om de rigtige "
            "informationskanaler blev brugt."
        ),
        "communication_text": (
            "Ved en aktivering aftaler gruppen, hvem der kommunikerer hvad til hvem og hvornår. Chefen for "
            "bystrategisk udvikling er ansvarlig for informationen til beboerne, evt. i samarbejde med "
            "RandersBoligs og Lejerbos kommunikationsafdelinger. Politi og kommune koordinerer "
            "kommunikationen til pressen med deres kommunikationsafdelinger og aftaler den med "
            "boligorganisationernes ledelse."
        ),
        "prevention_text": (
            "Det generelle, forebyggende samarbejde (grønt niveau) foregår i de faste fælles mødefora, fx "
            "pulsmøderne og SSP-samarbejdet. Der holdes et årligt statusmøde, hvor årets aftalte indsatser "
            "gennemgås og evalueres, og den generelle situation i boligområderne drøftes for at styrke "
            "samarbejdet og det kriminalitetsforebyggende arbejde."
        ),
        "confidentiality_text": (
            "Politi og kommune er myndigheder, der kan dele oplysninger inden for retsplejelovens § 115. De "
            "inddrager og koordinerer med boligorganisationernes repræsentanter, hvor det er foreneligt med "
            "tavshedspligten. Gruppen vurderer i fællesskab, hvilke oplysninger der kan gives videre til ad "
            "hoc personer, beboere, afdelingsbestyrelser og opsøgende medarbejdere. Politiet videregiver "
            "relevante oplysninger inden for retsplejelovens rammer."
        ),
    },
    preventive_meetings_per_year=1,
    levels={
        "green": Level(
            "Det generelle, forebyggende arbejde.",
            "Pulsmøder og SSP-samarbejdet",
        ),
        "yellow": Level(
            "Foregribende indsatser: når der ses en tilbagevendende eller begyndende tilspidsning af "
            "konflikter i området, som bør håndteres hurtigt.",
            "Uro og konflikt mellem grupperinger, øget handel med narkotika, omfattende hærværk",
            DeadlineKind.WORKING_DAYS,
            3,
            240,
        ),
        "red": Level(
            "Indgribende indsatser: når der ses konfliktfyldte episoder, som kræver akut handling for at "
            "undgå, at konfliktniveauet i området eskalerer.",
            "Ildspåsættelse, overfald, skyderi, chikane, slåskampe, anden voldsom uro og trusler mod medarbejdere",
            DeadlineKind.HOURS,
            24,
            10,
        ),
    },
    members=(
        Member("randers_police", "Politikommissær, Østjyllands Politi", 1),
        Member("randers_coordinator", "Chef for bystrategisk udvikling, Bysekretariatet", 2, coordinator=True),
        Member("randers_ssp", "SSP-konsulent, Randers Ungdomsskole", 3),
        Member("randers_children", "Centerleder, Børne- og Ungecenteret", 4),
        Member("randers_psychiatry", "Afdelingsleder, Center for psykiatri og socialt udsatte", 5),
        Member("randers_randersbolig", "Inspektør, RandersBolig/driften", 6),
        Member("randers_lejerbo", "Lokalinspektør, Lejerbo", 7),
        Member(
            "randers_police_substitute",
            "Suppleant for politikommissæren",
            substitute_for="randers_police",
        ),
    ),
    adhoc=(
        ("Brandvæsenet", None, ""),
        ("Daginstitutioner", None, ""),
        ("Skolen", None, ""),
        ("Opsøgende medarbejdere", "randers_ungdomsskole", "Via SSP-netværket"),
        ("Klubmedarbejdere", "randers_ungdomsskole", "Via SSP-netværket"),
        ("Viceværter", None, "Via inspektørerne i RandersBolig og Lejerbo"),
    ),
    outreach=(
        ("Afdelingsbestyrelserne", "randers_coordinator", "Mail og telefon efter aftale med gruppen"),
        ("Beboerne i boligområderne", "randers_staff", "Opslag, sociale medier og opsøgende kontakt"),
        ("SSP-netværket: skole, opsøgende medarbejdere og klubmedarbejdere", "randers_ssp", "Telefon"),
    ),
    communication=(
        Role(
            Audience.PRESS,
            "Koordinerer kommunikationen til pressen med politiet.",
            person="randers_press_municipality",
            spokesperson=True,
        ),
        Role(
            Audience.PRESS,
            "Koordinerer kommunikationen til pressen med kommunen.",
            person="randers_press_police",
            spokesperson=True,
        ),
        Role(Audience.PRESS, "Inddrages ved kontakt til pressen.", person="randers_press_lejerbo"),
        Role(Audience.PRESS, "Inddrages ved kontakt til pressen.", person="randers_press_randersbolig"),
        Role(
            Audience.RESIDENTS,
            "Ansvarlig for informationen til beboerne, evt. med RandersBoligs og Lejerbos kommunikationsafdelinger.",
            person="randers_coordinator",
        ),
        Role(
            Audience.PARTNERS,
            "Aktiverer SSP-netværket, hvis situationen kræver det.",
            person="randers_ssp",
        ),
        Role(
            Audience.BOARDS,
            "Informerer afdelingsbestyrelserne efter aftale med beredskabsgruppen.",
            person="randers_coordinator",
        ),
        Role(
            Audience.OPERATIONS,
            "Har dialogen med boligorganisationernes driftsenheder sammen med inspektøren.",
            person="randers_coordinator",
        ),
    ),
    fallbacks=(
        (
            "Hvis der ikke er kontakt til politikommissæren eller suppleanten",
            "Ring til Østjyllands Politis vagtchef",
            "114",
        ),
    ),
    signatures=(
        Signed("randers_ungdomsskole", "randers_ssp", "SSP-konsulent", datetime.date(2025, 1, 20)),
        Signed("ojpol", "randers_press_police", "Vicepolitiinspektør", datetime.date(2025, 1, 21)),
        Signed("randers_kommune", "randers_children", "Centerleder", datetime.date(2025, 1, 21)),
        Signed(
            "bysekretariatet",
            "randers_coordinator",
            "Chef for bystrategisk udvikling",
            datetime.date(2025, 1, 22),
        ),
        Signed("randersbolig", "randers_randersbolig", "Inspektør", datetime.date(2025, 1, 23)),
        Signed("lejerbo", "randers_lejerbo", "Lokalinspektør", datetime.date(2025, 1, 23)),
    ),
    lbf_approved_on=datetime.date(2025, 2, 14),
)

PLANS = (VARDE, RANDERS)

# One login per role. All role logins sit in the Randers plan so a visitor can try the roles against one plan;
# the Varde coordinator is an extra login to see per-plan access. The staff member has no membership yet.
LOGINS = (
    Login("coordinator (Randers)", "tovholder", "randers_coordinator"),
    Login("police member (Randers)", "politi", "randers_police"),
    Login("municipal member (Randers)", "kommune", "randers_children"),
    Login("housing-organisation member (Randers)", "boligorganisation", "randers_randersbolig"),
    Login("housing-social staff (Bysekretariatet)", "medarbejder", "randers_staff"),
    Login("coordinator (Varde)", "tovholder-varde", "varde_coordinator"),
    Login("administrator (superuser)", "admin", None),
)


def login_needs_two_factor(login: Login) -> bool:
    """Administrators and people of a public authority must sign in with a second factor (as accounts decides)."""
    return login.person is None or ORGANISATIONS[PEOPLE[login.person].org].is_public_authority


# --- Key figures (areas app) -------------------------------------------------------------------------------
# Every number here is invented. Department numbers are given to the demo departments so a file can name them.
# Eksempelparken is a made-up area (not in any plan) that shows the legal categories; the real areas get
# moderate figures that put none of them on a legal list.

KEY_FIGURE_YEARS = (2020, 2021, 2022, 2023, 2024)


@dataclass(frozen=True)
class DemoFigures:
    """One department's figures in the first year, and how much each changes per year."""

    area: str  # a key of AREAS, or "eksempel"
    department: str
    code: str
    residents: int
    outside_work: float
    convictions: float
    basic_schooling: float
    income: float
    non_western: float
    moving_out: float
    drift: float = 0.0  # added to outside work, basic schooling and moving out per year; subtracted from income


EXAMPLE_AREA = ("Eksempelparken (fiktivt område)", "Randers")
EXAMPLE_DEPARTMENTS = (("Eksempelparken Nord", "randersbolig"), ("Eksempelparken Syd", "randersbolig"))

KEY_FIGURES = (
    DemoFigures("lerpoet", "Lerpøtparken", "11", 640, 22.0, 1.1, 35.0, 80.0, 18.0, 11.5, 0.4),
    DemoFigures("vestparken", "Vestparken", "12", 410, 18.0, 0.8, 29.0, 90.0, 12.0, 10.0, 0.0),
    DemoFigures("isbjerg", "Isbjerg Parken", "13", 35, 24.0, 1.0, 33.0, 82.0, 15.0, 11.0, 0.0),
    DemoFigures("jennum", "Gl. Jennumparken", "3", 880, 28.0, 1.5, 42.0, 70.0, 34.0, 13.0, -0.6),
    DemoFigures("vangdalen", "Vangdalen", "512", 520, 20.0, 1.0, 32.0, 86.0, 16.0, 11.0, 2.0),
    DemoFigures("glarbjerg", "Møllevænget", "21", 300, 23.0, 1.2, 36.0, 78.0, 20.0, 12.0, 0.1),
    DemoFigures("glarbjerg", "Storgaarden", "22", 260, 22.0, 1.1, 35.0, 79.0, 19.0, 12.0, 0.2),
    DemoFigures("sjaellandsgade", "Sjællandsgadekvarteret", "7", 450, 20.0, 0.9, 31.0, 88.0, 14.0, 10.5, 0.0),
    DemoFigures("centrale", "Centrale Randers", "9", 700, 19.0, 0.9, 30.0, 92.0, 11.0, 11.0, 0.0),
    DemoFigures("eksempel", "Eksempelparken Nord", "41", 1300, 46.0, 3.3, 58.0, 52.0, 57.0, 16.0, 0.3),
    DemoFigures("eksempel", "Eksempelparken Syd", "42", 1100, 44.0, 3.1, 56.0, 54.0, 54.0, 15.0, 0.3),
)

# (municipality, outside work, convictions, basic schooling, income, moving out), the same every year
MUNICIPAL_FIGURES = (("Varde", 17.0, 0.8, 28.0, 92.0, 10.0), ("Randers", 19.0, 0.9, 30.0, 90.0, 11.0))
NATIONAL_FIGURES = (18.0, 1.0, 29.0, 100.0, 10.5)

KEY_FIGURE_ASSESSMENT = {
    "area": "vangdalen",
    "year": 2024,
    "by": "tovholder",
    "participants": "Boligsocial medarbejder, afdelingsbestyrelsens formand, varmemesteren, SSP-konsulenten",
    "staff_view": "Flere unge uden job eller uddannelse søger mod klubben om aftenen; SSP ser en ny gruppe.",
    "board_view": "Bestyrelsen ser flere fraflytninger blandt børnefamilier og færre til fællesspisning.",
    "caretaker_view": "Mere affald og hærværk ved cykelkælderen; flere klager over støj i blok C.",
    "conclusion": "Udviklingen bekræftes. Tovholderen tager den op på næste forebyggende møde.",
}
