# Builds an HTML document of the sample's tables (Word-style: merged header cells, project
# cells merged down their indicator rows) from tabconv's JSON of the sample.
import json, sys, html
doc = json.load(open(sys.argv[1]))
style = sys.argv[2] if len(sys.argv) > 2 else "word"
out = ['<html><head><meta charset="utf-8"><style>@page { size: 29.7cm 21cm; margin: 1.5cm }'
       ' table { border-collapse: collapse } td, th { border: 1px solid black; font-size: 9pt }</style></head><body>']
def text(c):
    if c is None: return ""
    return str(c)
for t in doc["tables"]:
    m = __import__("re").match(r"(预算)(\d+)(表)|(预算表)(\d+)", t["id"])
    cap = t["id"]
    out.append('<p>%s %s</p>' % (html.escape(cap), html.escape(t["title"])))
    if t.get("unit"): out.append('<p align="right">金额单位：%s</p>' % html.escape(t["unit"]))
    for n in t.get("notes", []): out.append('<p>%s</p>' % html.escape(n))
    out.append('<table border="1" cellspacing="0" cellpadding="2"><thead>')
    ncol = len(t["columns"])
    covered = [[False]*ncol for _ in t["header"]]
    for k, row in enumerate(t["header"]):
        for c in row:
            for dk in range(int(c["rowspan"])):
                for dc in range(int(c["colspan"])):
                    covered[k+dk][int(c["col"])+dc] = True
    for k, row in enumerate(t["header"]):
        byc = {int(c["col"]): c for c in row}
        cells = []
        for col in range(ncol):
            if col in byc:
                c = byc[col]
                cells.append('<th colspan="%s" rowspan="%s">%s</th>' % (c["colspan"], c["rowspan"], html.escape(c["text"])))
            elif not covered[k][col]:
                cells.append('<th></th>')
        out.append('<tr>' + ''.join(cells) + '</tr>')
    out.append('</thead><tbody>')
    width = max(60, min(160, 900 // ncol))
    rows = t["rows"]
    ncol = len(t["columns"])
    # Word style: in block tables, cells of a block's first row span down over the empty cells below.
    span = [[1]*ncol for _ in rows]; hidden = [[False]*ncol for _ in rows]
    if style == "word" and t["id"] == "预算表12":
        starts = [i for i, r in enumerate(rows) if r["cells"][0] is not None] + [len(rows)]
        for a, b in zip(starts, starts[1:]):
            for c in range(5):
                if all(rows[k]["cells"][c] is None for k in range(a+1, b)):
                    span[a][c] = b - a
                    for k in range(a+1, b): hidden[k][c] = True
    for i, r in enumerate(rows):
        cells = []
        for j, c in enumerate(r["cells"]):
            if hidden[i][j]: continue
            v = c
            if isinstance(v, (int, float)) or (isinstance(v, str) and False): pass
            s = text(v)
            num = t["columns"][j]["type"] == "number" and s != ""
            if num and "." in s:
                ip, fp = s.split("."); neg = ip.startswith("-"); ip = ip.lstrip("-")
                ip = "{:,}".format(int(ip)); s = ("-" if neg else "") + ip + "." + fp
            attrs = ' rowspan="%d"' % span[i][j] if span[i][j] > 1 else ''
            if num:
                scale = len(text(v).split(".")[1]) if "." in text(v) else 0
                fmt = "#,##0" + ("." + "0"*scale if scale else "")
                attrs += ' align="right"'
            cells.append('<td width="%d"%s>%s</td>' % (width, attrs, html.escape(s)))
        out.append('<tr>' + ''.join(cells) + '</tr>')
    out.append('</tbody></table><p></p>')
out.append('</body></html>')
open(sys.argv[3], "w").write("\n".join(out))
