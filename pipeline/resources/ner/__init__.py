"""Training data for the person/organisation NER: name lists, templates, the generator."""
