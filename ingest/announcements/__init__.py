"""Published lists of announced investigations (审查调查 and 党纪政务处分 notices): one row per
person, with the position as published. ``table`` reads the file, ``position`` reads the
free-text position, ``parse`` turns a row into an ``Announcement`` with what the text implies."""
