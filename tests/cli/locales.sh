# tests/cli/locales.sh — source after lib.sh in a test that runs tuiyan under other locales.
# require_locales fails the test (never skips it) unless de_DE.UTF-8 (decimal comma) and
# zh_CN.UTF-8 really exist here: without them the C library silently falls back to "C" and a
# "same output under another locale" check compares C with C. tools/deps.sh test and .ci/run
# generate both.
require_locales() {
    checks=$((checks + 1))
    # coreutils printf formats with the environment's LC_NUMERIC: a comma proves de_DE is real
    de=$(LC_ALL=de_DE.UTF-8 /usr/bin/printf '%.1f' 0.5 2>/dev/null)
    [ "$de" = "0,5" ] || fail_check "the de_DE.UTF-8 locale is not installed (printf gave '$de', not '0,5'); run tools/deps.sh test as root"
    checks=$((checks + 1))
    # locale(1) warns on stderr when it cannot set the locale it is given
    zh=$(LC_ALL=zh_CN.UTF-8 locale 2>&1 >/dev/null)
    [ -z "$zh" ] || fail_check "the zh_CN.UTF-8 locale is not installed ($zh); run tools/deps.sh test as root"
}
