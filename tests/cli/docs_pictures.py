#!/usr/bin/env python3
"""docs_pictures.py MAKEFILE README — the README's report pictures are what `make docs` makes.

For each picture `![..](docs/report-X.png)` in the README: `make docs` writes that file (a
chromium --screenshot=.../docs/report-X.png line), from the page a DOCS_* command writes, and
that command is the last one in the README's ```sh block before the picture. Every screenshot
`make docs` takes is shown in the README, and each picture is a PNG of the shot's width.
Prints one line per problem; exits 1 if any.
"""
import re
import struct
import sys

makefile, readme = sys.argv[1], sys.argv[2]
mk = open(makefile, encoding="utf-8").read()
rd = open(readme, encoding="utf-8").read()
problems = []

commands = dict(re.findall(r"^(DOCS_\w+)\s*=\s*(.+?)\s*$", mk, re.M))
width = int(re.search(r"--window-size=(\d+),", mk).group(1))
# The docs recipe in order: which command ran last before each shot, and which page it reads.
recipe = mk[mk.index("\ndocs:"):]
recipe = recipe[:recipe.index("\n\n")]
last_cmd, shots = None, {}
for line in recipe.splitlines():
    m = re.search(r"\$\((DOCS_\w+)\)", line)
    if m:
        last_cmd = m.group(1)
    m = re.search(r"--screenshot=\$\(CURDIR\)/(docs/report-[\w-]+\.png) file://.*?/docs/report/(\S+\.html)", line)
    if m:
        shots[m.group(1)] = (last_cmd, m.group(2))

pictures = re.findall(r"!\[[^\]]*\]\((docs/report-[\w-]+\.png)\)", rd)
if not pictures:
    problems.append("the README shows no report picture")
for pic in pictures:
    if pic not in shots:
        problems.append(f"{pic}: shown in the README, not made by make docs")
        continue
    cmd_name, page = shots[pic]
    if cmd_name is None:
        problems.append(f"{pic}: no DOCS_ command runs before its shot")
        continue
    before = rd[:rd.index(pic)]
    blocks = re.findall(r"```sh\n(.*?)```", before, re.S)
    shown = [l.split("#")[0].strip() for l in blocks[-1].splitlines()] if blocks else []
    shown = [l for l in shown if l]
    if not shown or shown[-1] != commands[cmd_name]:
        problems.append(f"{pic}: make docs runs '{commands[cmd_name]}', the README shows {shown[-1:] or 'nothing'} before it")
    stem = commands[cmd_name].split()
    wrote = "progress.html" if stem[1] == "progress" else stem[2].rsplit("/", 1)[-1].replace(".lua", ".html")
    if wrote != page:
        problems.append(f"{pic}: shot of {page}, but '{commands[cmd_name]}' writes {wrote}")
    try:
        head = open(pic, "rb").read(24)
    except OSError as e:
        problems.append(f"{pic}: {e.strerror}")
        continue
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        problems.append(f"{pic}: not a PNG")
    elif struct.unpack(">I", head[16:20])[0] != width:
        problems.append(f"{pic}: {struct.unpack('>I', head[16:20])[0]} px wide, make docs shoots {width}")
for pic in shots:
    if pic not in pictures:
        problems.append(f"{pic}: made by make docs, not shown in the README")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
