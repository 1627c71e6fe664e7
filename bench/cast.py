"""Who asks and who answers in the synthetic corpus: members, parties, seats, departments.

Real archives have about two thousand distinct askers over ten years, a few of whom ask a
large share of the questions, and about twenty answering bodies of very unequal size. The
cast reproduces those shapes with made-up people under real-looking names: MPs with a party
and a constituency, peers as ``Baroness …``/``Lord … of …`` with ``Life peer``. No name may
contain a planted word, and no two members share a name (the loader would rightly refuse to
guess between namesakes and create a member per mention).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

COMMONS = "Commons"
LORDS = "Lords"


def _listed(text: str, separator: str | None = None) -> tuple[str, ...]:
    """Long lists of names written as prose, so they stay readable in the source."""
    return tuple(item.strip() for item in text.split(separator) if item.strip())


FIRST_NAMES = _listed(
    "Adam Alan Alex Alison Andrew Angela Anna Anne Barry Ben Bridget Caroline Catherine Charles "
    "Chris Claire Clive Daniel David Diane Edward Eleanor Emily Emma Fiona Florence Gareth Gavin "
    "Geoffrey George Gillian Graham Hannah Harriet Helen Henry Hilary Ian Imran Jack James Jane "
    "Jeremy Jessica Jim John Jonathan Joseph Julia Karen Kate Kevin Layla Liam Lisa Louise Lucy "
    "Mark Martin Mary Matthew Meg Michael Mike Nadia Naz Neil Nick Nicola Oliver Paul Peter "
    "Philip Priti Rachel Rebecca Richard Robert Rosie Ruth Sam Sarah Sharon Simon Sophie Stephen "
    "Steve Stuart Tanmanjeet Theresa Thomas Tim Tom Tulip Valerie Vicky Wendy Wera Yvette Zarah"
)

SURNAMES = _listed(
    "Abbott Adams Allan Anderson Ashworth Bailey Baker Barker Bell Benn Betts Blackman Bradley "
    "Brennan Brown Burgon Butler Cadbury Campbell Carmichael Chamberlain Champion Clark Coffey "
    "Cooper Corbyn Cox Creasy Cunningham Davey Davies Dawson Dixon Docherty Doughty Duncan "
    "Eagle Edwards Elliott Elmore Evans Farron Fletcher Foster Fox Francis Gardiner Gibson Glen "
    "Goodwill Graham Grant Gray Green Griffiths Hall Hamilton Hancock Harman Harris Hart Hayes "
    "Hill Hodge Hollobone Holmes Hopkins Howarth Hughes Hunt Jardine Jenkin Johnson Jones Kane "
    "Kendall Khan Kinnock Knight Lamb Lammy Lewis Lloyd Long Lucas Mackinlay Malhotra Mann "
    "Marsden Martin Matheson McDonald McMahon Miller Mitchell Moran Morgan Morris Murray Nandy "
    "Newton Norman Onwurah Osborne Owen Parker Patel Pearce Perkins Phillips Powell Price "
    "Pritchard Quin Rayner Reed Reeves Richards Roberts Robertson Robinson Russell Sharma "
    "Shannon Sheerman "
    "Simmonds Slaughter Smith Spencer Stevens Stewart Stringer Sturdy Taylor Thomas Thompson "
    "Thornberry Timms Tomlinson Turner Vaz Walker Ward Watson Webb West Whitehead Williams "
    "Wilson Wood Wright Young Zeichner"
)

PLACES = _listed(
    "Aberdeen Ashford Barnsley Basildon Bath Bedford Belfast Birkenhead Blackburn Blackpool "
    "Bolton Bournemouth Bradford Brent Brighton Bristol Bromley Burnley Bury Cambridge Canterbury "
    "Cardiff Carlisle Chelmsford Cheltenham Chester Chesterfield Chichester Colchester Coventry "
    "Crawley Croydon Darlington Derby Doncaster Dover Dudley Dundee Ealing Eastbourne Edinburgh "
    "Enfield Exeter Falkirk Gateshead Glasgow Gloucester Grimsby Halifax Harlow Harrogate "
    "Hartlepool Hastings Hereford Huddersfield Hull Ipswich Islington Keighley Kettering Lancaster "
    "Leeds Leicester Lewisham Lincoln Liverpool Luton Maidstone Manchester Middlesbrough Newark "
    "Newcastle Newport Northampton Norwich Nottingham Oldham Oxford Peterborough Plymouth Poole "
    "Portsmouth Preston Reading Redcar Rochdale Rotherham Salford Salisbury Sheffield Slough "
    "Southampton Southend Southport Stafford Stevenage Stockport Stockton Stoke Sunderland "
    "Swansea Swindon Telford Thurrock Torbay Wakefield Walsall Warrington Watford Wigan "
    "Winchester Wirral Wolverhampton Worcester Worthing Wrexham York"
)

COMPASS = ("North", "South", "East", "West", "Central", "North East", "South West")

# (name, share of MPs); "Labour (Co-op)" keeps a parenthesis inside the party, as real pages do.
COMMONS_PARTIES = (
    ("Conservative", 40),
    ("Labour", 34),
    ("Labour (Co-op)", 4),
    ("Scottish National Party", 7),
    ("Liberal Democrat", 7),
    ("Democratic Unionist Party", 2),
    ("Plaid Cymru", 1),
    ("Green Party", 1),
    ("Independent", 2),
    ("Reform UK", 1),
    ("Alliance", 1),
)
LORDS_PARTIES = (
    ("Conservative", 32),
    ("Labour", 22),
    ("Liberal Democrat", 11),
    ("Crossbench", 23),
    ("Non-affiliated", 6),
    ("Green Party", 1),
)

# (name, how the Commons addresses its minister, short label for roles, share of questions).
# No name contains "Government" or "Pensions"-like planted words other than DWP's own, which
# is real and accounted for in the expected rates.
DEPARTMENTS = (
    ("Home Office", "the Secretary of State for the Home Department", "Home Office", 10),
    (
        "Department of Health and Social Care",
        "the Secretary of State for Health and Social Care",
        "Department of Health and Social Care",
        12,
    ),
    (
        "Department for Education",
        "the Secretary of State for Education",
        "Department for Education",
        8,
    ),
    (
        "Department for Work and Pensions",
        "the Secretary of State for Work and Pensions",
        "Department for Work and Pensions",
        6,
    ),
    ("Ministry of Justice", "the Secretary of State for Justice", "Ministry of Justice", 6),
    ("HM Treasury", "the Chancellor of the Exchequer", "HM Treasury", 6),
    (
        "Department for Transport",
        "the Secretary of State for Transport",
        "Department for Transport",
        5,
    ),
    ("Ministry of Defence", "the Secretary of State for Defence", "Ministry of Defence", 5),
    (
        "Foreign, Commonwealth and Development Office",
        "the Secretary of State for Foreign, Commonwealth and Development Affairs",
        "Foreign, Commonwealth and Development Office",
        6,
    ),
    (
        "Department for Environment, Food and Rural Affairs",
        "the Secretary of State for Environment, Food and Rural Affairs",
        "Department for Environment, Food and Rural Affairs",
        5,
    ),
    (
        "Department for Levelling Up, Housing and Communities",
        "the Secretary of State for Levelling Up, Housing and Communities",
        "Department for Levelling Up, Housing and Communities",
        5,
    ),
    (
        "Department for Energy Security and Net Zero",
        "the Secretary of State for Energy Security and Net Zero",
        "Department for Energy Security and Net Zero",
        4,
    ),
    (
        "Department for Science, Innovation and Technology",
        "the Secretary of State for Science, Innovation and Technology",
        "Department for Science, Innovation and Technology",
        3,
    ),
    (
        "Department for Business and Trade",
        "the Secretary of State for Business and Trade",
        "Department for Business and Trade",
        4,
    ),
    (
        "Department for Culture, Media and Sport",
        "the Secretary of State for Culture, Media and Sport",
        "Department for Culture, Media and Sport",
        3,
    ),
    ("Cabinet Office", "the Minister for the Cabinet Office", "Cabinet Office", 3),
    (
        "Northern Ireland Office",
        "the Secretary of State for Northern Ireland",
        "Northern Ireland Office",
        1,
    ),
    ("Scotland Office", "the Secretary of State for Scotland", "Scotland Office", 1),
    ("Wales Office", "the Secretary of State for Wales", "Wales Office", 1),
    ("Attorney General", "the Attorney General", "Attorney General", 1),
)

COMMONS_ROLES = (
    "Minister of State ({label})",
    "Parliamentary Under-Secretary of State ({label})",
    "Parliamentary Secretary ({label})",
)
LORDS_ROLES = ("Lord in Waiting (HM Household) (Whip)", "Minister of State ({label})")

HEADING_TOPICS = _listed(
    "Schools; Hospitals; Prisons; Railways; Roads; Housing; Immigration; Universities; "
    "Apprenticeships; Armed Forces; Veterans; Energy; Water Supply; Broadband; Fisheries; "
    "Agriculture; Floods; Buses; Cycling; Courts; Legal Aid; Probation; Dementia; Cancer; "
    "Mental Health Services; Maternity Services; Dentistry; Vaccination; Social Care; Carers; "
    "Childcare; Universal Credit; Disability Benefits; Employment; Trade Unions; Exports; "
    "Tariffs; Tourism; Museums and Galleries; Libraries; Sport; Gambling; Broadcasting; "
    "Telecommunications; Cybersecurity; Artificial Intelligence; Space Technology; Nuclear Power; "
    "Wind Power; Solar Power; Heat Pumps; Insulation; Fuel Poverty; Homelessness; Planning "
    "Permission; Leasehold; Council Tax; Business Rates; Small Businesses; Banks; Inflation; "
    "Income Tax; VAT; Tax Avoidance; Overseas Aid; Ukraine; Israel; Afghanistan; Sudan; Hong Kong; "
    "China; Refugees; Visas; Passports; Driving Licences; Electric Vehicles; Airports; Ports; "
    "Shipping; Rural Areas; Animal Welfare; Dogs; Pesticides; Air Pollution; Climate Change; "
    "Recycling; Plastics; Forests",
    ";",
)
HEADING_SUBTOPICS = _listed(
    "Finance; Staff; Recruitment; Training; Standards; Inspections; Reviews; Safety; Contracts; "
    "Costs; Children; Young People; Older People; Women; Rural Areas; Scotland; Wales; Northern "
    "Ireland; Procurement; Data Protection; Regulation; Research; Waiting Lists; Closures; "
    "Complaints; Fraud; Investment; Infrastructure; Workforce; Pay; Technology",
    ";",
)


@dataclass(frozen=True)
class Member:
    name: str
    party: str
    # A constituency for an MP, "Life peer" for a peer.
    seat: str
    house: str
    parliament_id: int

    @property
    def asked_by(self) -> str:
        """How text layouts print the asker: ``Clive Betts (Labour - Sheffield South East)``."""
        return f"{self.name} ({self.party} - {self.seat})"


@dataclass(frozen=True)
class Department:
    name: str
    addressee: str
    label: str
    weight: int
    commons_ministers: tuple[tuple[Member, str], ...]
    lords_ministers: tuple[tuple[Member, str], ...]


@dataclass(frozen=True)
class Cast:
    mps: tuple[Member, ...]
    peers: tuple[Member, ...]
    departments: tuple[Department, ...]

    @classmethod
    def build(cls, rng: random.Random, mp_count: int = 1300, peer_count: int = 850) -> Cast:
        ids = iter(range(1000, 1_000_000))
        mps = _unique_members(
            rng,
            mp_count,
            lambda: f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}",
            COMMONS_PARTIES,
            lambda: _constituency(rng),
            COMMONS,
            ids,
        )
        peers = _unique_members(
            rng,
            peer_count,
            lambda: _peer_name(rng),
            LORDS_PARTIES,
            lambda: "Life peer",
            LORDS,
            ids,
        )
        # Ministers come from the members, so an answerer is also somebody's asker elsewhere,
        # as in Parliament; they are taken from the back of the lists, away from the top askers.
        ministers_c = list(mps[-4 * len(DEPARTMENTS) :])
        ministers_l = list(peers[-2 * len(DEPARTMENTS) :])
        departments = []
        for name, addressee, label, weight in DEPARTMENTS:
            commons = tuple(
                (ministers_c.pop(), rng.choice(COMMONS_ROLES).format(label=label)) for _ in range(4)
            )
            lords = tuple(
                (ministers_l.pop(), rng.choice(LORDS_ROLES).format(label=label)) for _ in range(2)
            )
            departments.append(Department(name, addressee, label, weight, commons, lords))
        return cls(tuple(mps), tuple(peers), tuple(departments))


def _unique_members(rng, count, make_name, parties, make_seat, house, ids) -> list[Member]:
    names: set[str] = set()
    members = []
    party_names = [p for p, _ in parties]
    party_weights = [w for _, w in parties]
    while len(members) < count:
        name = make_name()
        if name in names:
            continue
        names.add(name)
        party = rng.choices(party_names, party_weights)[0]
        members.append(Member(name, party, make_seat(), house, next(ids)))
    return members


def _constituency(rng: random.Random) -> str:
    form = rng.random()
    if form < 0.4:
        return rng.choice(PLACES)
    if form < 0.75:
        return f"{rng.choice(PLACES)} {rng.choice(COMPASS)}"
    return f"{rng.choice(PLACES)} and {rng.choice(PLACES)}"


def _peer_name(rng: random.Random) -> str:
    title = rng.choice(("Baroness", "Lord"))
    name = f"{title} {rng.choice(SURNAMES)}"
    return f"{name} of {rng.choice(PLACES)}" if rng.random() < 0.6 else name
