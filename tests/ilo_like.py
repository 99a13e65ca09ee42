"""A small corpus written for the tests in the manner of the ILO cooperatives pages.

Not copied from them: made-up items with the shapes that real pages have and
that searching them gets wrong when it is careless: a common phrase ("social
and solidarity economy") beside a rare near word ("solidary", an organisation
called "Solidar"), cooperatives written every way (co-op, co-operative, coops),
people-words ("co-operators") beside enterprise-words, compounds ("youth-led",
"self-reliant"), places named only by a city, a demonym or an agency, a kind
of its own per series, and dates over several years.
"""

from __future__ import annotations

import json
from pathlib import Path

ITEMS: list[dict[str, str]] = [
    {"title": "Advancing the 2030 Agenda through the social and solidarity economy",
     "date": "2022-06-20", "kind": "News",
     "summary": "A forum on how the social and solidarity economy contributes to decent work."},
    {"title": "UN resolution on the social and solidarity economy welcomed",
     "date": "2023-04-19", "kind": "Statement",
     "summary": "Member States recognise the social and solidarity economy for sustainable "
                "development."},
    {"title": "Strengthening social and solidarity economy policy in Asia",
     "date": "2021-11-02", "kind": "Project",
     "summary": "Policy dialogue on the solidarity economy in the Republic of Korea, Seoul "
                "and Bangkok."},
    {"title": "Mapping the solidarity economy landscape: spotlight on Japan",
     "date": "2020-09-15", "kind": "Publication",
     "summary": "How Japanese workers' collectives and consumer groups organise."},
    {"title": "Financial mechanisms for social and solidarity economy ecosystems",
     "date": "2021-03-30", "kind": "Publication",
     "summary": "Social finance for the solidarity economy in Morocco and South Africa."},
    {"title": "Solidarity economy and social inclusion in Latin America",
     "date": "2019-05-07", "kind": "Publication",
     "summary": "Social inclusion through cooperatives and mutual associations."},
    {"title": "Solidar Suisse and partners meet on migrant workers",
     "date": "2018-02-12", "kind": "News",
     "summary": "A meeting with Solidar Suisse on the rights of migrant workers in Asia."},
    {"title": "Solidary finance for women street vendors",
     "date": "2017-10-03", "kind": "News",
     "summary": "Rotating savings groups give women vendors credit when banks do not."},
    {"title": "Cooperatives in Africa: a new research initiative",
     "date": "2024-01-31", "kind": "News",
     "summary": "Researchers from Kenya, Senegal and Ghana study how cooperatives grow."},
    {"title": "Housing co-ops and the right to adequate housing",
     "date": "2023-08-01", "kind": "Feature",
     "summary": "Co-operative housing keeps rents affordable for members."},
    {"title": "Think.Coop: an orientation tool on cooperatives launched",
     "date": "2022-02-14", "kind": "News",
     "summary": "A training tool for people who want to start a cooperative."},
    {"title": "Cooperative principles in practice",
     "date": "2020-07-04", "kind": "International Day of Cooperatives",
     "summary": "Coops around the world celebrate the day of cooperatives."},
    {"title": "Meet the co-operators: a dairy farmer from Kerala",
     "date": "2023-03-09", "kind": "Spotlight Interviews with Co-operators",
     "summary": "A co-operator tells how her dairy cooperative pays a fair price for milk."},
    {"title": "Meet the co-operators: a taxi driver from Seoul",
     "date": "2022-11-21", "kind": "Spotlight Interviews with Co-operators",
     "summary": "A worker-owner on what democratic control means to cooperators."},
    {"title": "Young co-operators lead a digital platform cooperative",
     "date": "2024-02-06", "kind": "International Youth Day",
     "summary": "Cooperators under thirty run a delivery platform owned by its riders."},
    {"title": "Self-reliant communities after the earthquake",
     "date": "2016-05-10", "kind": "News",
     "summary": "Cooperatives help villages become self-reliant again."},
    {"title": "Youth-led cooperatives create jobs in rural Rwanda",
     "date": "2021-08-12", "kind": "International Youth Day",
     "summary": "Youth-led enterprises and young people in farming."},
    {"title": "Youth employment and cooperatives",
     "date": "2019-08-12", "kind": "News",
     "summary": "A report on youth unemployment and what cooperatives offer young workers."},
    {"title": "KoSEA and the ILO sign a partnership on social enterprise",
     "date": "2018-06-27", "kind": "News",
     "summary": "The Korea Social Enterprise Promotion Agency and the ILO will share "
                "training materials."},
    {"title": "Worker cooperatives in Busan and Incheon",
     "date": "2017-04-18", "kind": "Publication",
     "summary": "Case studies of worker cooperatives in two port cities."},
    {"title": "Statistics on cooperatives: country in focus, Republic of Korea",
     "date": "2019-12-01", "kind": "Countries in Focus on Statistics of Cooperatives",
     "summary": "How the national statistics office counts cooperatives and their members."},
    {"title": "Japan's consumer cooperatives and the care economy",
     "date": "2023-10-10", "kind": "Publication",
     "summary": "Consumer cooperatives in Japan provide home care for older people."},
    {"title": "Peru: quinoa producers organise",
     "date": "2018-09-01", "kind": "News",
     "summary": "Quinoa farmers near Puno set up a producer cooperative."},
    {"title": "Lima workshop on cooperative law",
     "date": "2020-02-20", "kind": "Event",
     "summary": "Peruvian legislators discuss a new cooperative law."},
    {"title": "Waste pickers' cooperatives in Brazil",
     "date": "2021-06-15", "kind": "News",
     "summary": "Waste pickers in São Paulo win a municipal contract."},
    {"title": "ILO COOP NewsUpdate, Issue No. 4",
     "date": "2016-12-01", "kind": "Newsletter",
     "summary": ""},
]


def write_corpus(path: Path) -> Path:
    """The items as JSON Lines at `path`."""
    path.write_text("".join(json.dumps(item) + "\n" for item in ITEMS), encoding="utf-8")
    return path
