#!/usr/bin/env python3
"""Writes check-xlsx's --expect file for a workbook tabconv wrote, from tabconv's JSON of the
same input: every sheet as an analyst reads it, cell by cell from A1.

usage: xlsx_expectation.py TABCONV.json WORKBOOK.xlsx EXPECTED.json [--no-caption]

The layout mirrors the XLSX writer's: the caption (`预算01表 收支总表`) in row 1, the unit
(`金额单位：万元`, or `Unit: …` for other units) in the next row, one row per note, the header
tree (each label at its top-left cell, "" over the rest of its merged range), then the rows.
Numbers are expected with their exact digits and scale (`9885.752630`: a number cell that shows
six decimals); text as text. Sheet names are taken from the workbook, in order.
"""
import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def sheet_names(path):
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read("xl/workbook.xml"))
    return [sheet.get("name") for sheet in root.iter() if sheet.tag.endswith("}sheet")]


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(value)  # numbers arrive as exact decimal text (parse_float=str below)


def grid(table, with_caption):
    width = max([len(table["columns"])] + [len(row["cells"]) for row in table["rows"]] + [1])
    rows = []
    if with_caption:
        caption = table["id"] if not table["title"] else table["id"] + " " + table["title"]
        rows.append([caption] + [""] * (width - 1))
        unit = table.get("unit")
        if unit:
            label = "金额单位：" + unit if CJK.search(unit) else "Unit: " + unit
            rows.append([label] + [""] * (width - 1))
        for note in table.get("notes", []):
            rows.append([note] + [""] * (width - 1))
    header = [[""] * width for _ in table["header"]]
    for level, labels in enumerate(table["header"]):
        for label in labels:
            header[level][int(label["col"])] = label["text"]
    rows.extend(header)
    for row in table["rows"]:
        cells = [cell_text(value) for value in row["cells"]]
        rows.append(cells + [""] * (width - len(cells)))
    return rows


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    with_caption = "--no-caption" not in sys.argv
    source, workbook, output = args
    with open(source, encoding="utf-8") as f:
        document = json.load(f, parse_float=str, parse_int=str)
    names = sheet_names(workbook)
    tables = document["tables"]
    if len(names) != len(tables):
        sys.exit("%s has %d sheets, %s has %d tables" % (workbook, len(names), source, len(tables)))
    expected = {name: grid(table, with_caption) for name, table in zip(names, tables)}
    with open(output, "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
