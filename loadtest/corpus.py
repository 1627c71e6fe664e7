"""Words for the load test's synthetic questions, shared by the seeder and the locustfile.

Search cost depends on how many records match, so the searches use the same words the
seeded questions are made of: some common (many matches), some rare.
"""

from __future__ import annotations

DEPARTMENTS = (
    "Home Office",
    "Ministry of Justice",
    "Department of Health and Social Care",
    "Department for Education",
    "HM Treasury",
    "Ministry of Defence",
    "Department for Transport",
    "Foreign, Commonwealth and Development Office",
    "Department for Work and Pensions",
    "Department for Environment, Food and Rural Affairs",
    "Ministry of Housing, Communities and Local Government",
    "Department for Business and Trade",
    "Department for Energy Security and Net Zero",
    "Department for Culture, Media and Sport",
    "Cabinet Office",
)
TOPICS = (
    "police officers",
    "knife crime",
    "prison places",
    "court backlogs",
    "hospital waiting lists",
    "mental health services",
    "school funding",
    "teacher recruitment",
    "special educational needs",
    "fuel duty",
    "income tax thresholds",
    "armed forces housing",
    "rail fares",
    "road maintenance",
    "bus services",
    "overseas aid",
    "universal credit",
    "state pension",
    "flood defences",
    "water quality",
    "social housing",
    "homelessness",
    "small businesses",
    "energy bills",
    "offshore wind",
    "public libraries",
    "broadband coverage",
    "civil service pay",
    "asylum accommodation",
    "modern slavery",
)
PLACES = (
    "England",
    "Wales",
    "Scotland",
    "Northern Ireland",
    "rural areas",
    "coastal towns",
    "London",
    "the North East",
)
FIRST_NAMES = (
    "Jane", "John", "Sarah", "David", "Emma", "James", "Fatima", "Mohammed", "Claire", "Peter",
    "Aisha", "Robert", "Helen", "Daniel", "Priya", "Thomas", "Grace", "Owen", "Siobhan", "Ewan",
)  # fmt: skip
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Khan", "Campbell", "Murphy", "Lewis", "Edwards", "Hughes", "Morgan",
)  # fmt: skip
PARTIES = ("Labour", "Conservative", "Liberal Democrat", "Scottish National Party", "Green")

# Searches as researchers type them: single words, phrases, the query language's operators.
SEARCHES = (
    "police",
    "knife crime",
    '"waiting lists"',
    "housing -social",
    "pension OR credit",
    "flood*",
    "teacher recruitment England",
    "asylum",
    "broadband rural",
    "energy bills",
    "libraries",
    "rail fares",
)
