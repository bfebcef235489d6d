"""Extract people, posts, organisations, cases, supervisory acts and statistics from one
Chinese document, every item with the character spans it came from.

    >>> result = extract(parse_document("市纪委监委约谈了县委主要负责人。".encode(), "a.txt"))
    >>> result.as_json()["doc"]
    'a.txt'

The pipeline is rules over a gazetteer and word lists, no model: it runs offline, gives the
same answer every time, and each rule can be read and argued with (README: "Reading reports").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jiandu.ingest.text.document import Document
from jiandu.ingest.text.events import Events
from jiandu.ingest.text.organisations import Organisations
from jiandu.ingest.text.people import People
from jiandu.ingest.text.place_mentions import PlaceMentions
from jiandu.ingest.text.places import Gazetteer


@dataclass
class Extraction:
    document: Document
    places: PlaceMentions
    orgs: Organisations
    people: People
    events: Events

    def as_json(self) -> dict[str, Any]:
        """The answer-key shape (see ``jiandu extract --json``), plus spans and roles."""
        persons = []
        for person in self.people.persons():
            persons.append({
                "name": person.name,
                "role": person.role,
                "masked": person.masked,
                "posts": [{
                    "unit": post.unit.name if post.unit else None,
                    "unit_aliases": list(post.unit.aliases) if post.unit else [],
                    "titles": post.titles,
                    "former": post.former,
                } for post in person.posts],
                "spans": person.spans,
            })
        organizations = [{
            "name": org.name,
            "aliases": org.aliases,
            "kind": org.kind,
            "region": org.place.name if org.place else None,
            "parent_region": org.place.parent.name if org.place and org.place.parent else None,
            "parent": org.parent,
            "spans": org.spans,
        } for org in self.orgs.by_name.values() if org.spans]
        cases = [{"label": c.label, "persons": c.persons, "units": c.units, "handled_by": c.handled_by,
                  "span": c.span} for c in self.events.cases]
        actions = [{"type": a.type, "actor": a.actor, "target": a.target, "target_kind": a.target_kind,
                    "date": a.date, "quote": a.quote, "span": a.span} for a in self.events.acts]
        stats = [{"subject": s.subject, "metric": s.metric, "value": s.value, "unit": s.unit, "approx": s.approx,
                  "quote": s.quote, "span": s.span} for s in self.events.stats]
        return {"doc": self.document.name, "title": self.document.title, "published": self.document.published,
                "region": self.region, "persons": persons, "organizations": organizations, "cases": cases,
                "actions": actions, "stats": stats}

    @property
    def region(self) -> str | None:
        return self.places.main_city()


def extract(document: Document, gaz: Gazetteer | None = None) -> Extraction:
    """``gaz`` adds places beyond the package's (the graph's own regions); see ``Gazetteer.with_regions``."""
    places = PlaceMentions(document.text, gaz)
    orgs = Organisations(document.text, places)
    people = People(document.text, orgs)
    events = Events(document.text, orgs, people, region=places.main_city(), published=document.published)
    return Extraction(document, places, orgs, people, events)
