#!/bin/sh
# test_readme.sh BIN — every transcript in README.md produces exactly the output shown, and the
# README's report pictures are what `make docs` makes from the commands shown beside them.
BIN=${1:-./tuiyan}
python3 tests/cli/readme_transcripts.py "$BIN" README.md
rc=$?
python3 tests/cli/docs_pictures.py Makefile README.md || { echo "FAIL: README pictures and make docs differ"; rc=1; }
exit $rc
