"""The graph core: the ontology, declared once, and the stores behind one interface."""
