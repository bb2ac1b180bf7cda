// TextTables: module under construction; see ../shared/DESIGN.md for its responsibility.
