/* bind/readline.c — _tuiyan.readline: the terminal side of the REPL on GNU readline. A line
 * editor with history and completion, and Ctrl-C handled as lua.c does (laction): the signal
 * handler only sets a flag and, while Lua code runs, a count hook that raises "interrupted".
 *
 * The prompt uses readline's callback interface over poll(), so a Ctrl-C at the prompt (EINTR)
 * clears the line and returns nil, "interrupted" instead of killing the process. Completion calls
 * back into a Lua function inside lua_pcall, so an error or a memory failure there offers no
 * completions and never unwinds through readline.
 * Errors: misuse raises; a history file that cannot be read or written returns nil, err. */
#include "bind/bind.h"
#include "host/host.h"

#include <errno.h>
#include <lauxlib.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

/* Set by the SIGINT handler; read and cleared by readline() and interruptible(). */
static volatile sig_atomic_t sigint_seen;
/* The state running code under interruptible(), NULL otherwise: where the handler sets its hook. */
static lua_State *volatile running_state;

/* The prompt's state: readline's callback delivers the line here. */
static char *prompt_line;
static int prompt_done;

/* Completion: the state inside readline() and the Lua completer (a registry reference). */
static lua_State *completion_state;
static int completer_ref = LUA_NOREF;

typedef struct CompletionRequest {
    const char *text;
    int start, end;
    char **items;       /* malloc'd candidates, handed to readline one by one */
    size_t count, next;
    char append;        /* appended after a single match ('\0': nothing) */
    int files;          /* the completer asked for file names (it returned false) */
} CompletionRequest;

static CompletionRequest pending;

/* ---- signals ---- */

/* Raises in the interrupted code. The hook stays armed until interruptible() returns, so a
 * pcall in the script cannot swallow the interrupt: the next instruction raises again. */
static void interrupt_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    luaL_error(L, "interrupted");
}

static void on_sigint(int sig)
{
    (void)sig;
    sigint_seen = 1;
    lua_State *L = running_state;
    if (L != NULL) {
        signal(SIGINT, SIG_DFL);   /* a second Ctrl-C ends the process (stuck in a C function) */
        lua_sethook(L, interrupt_hook, LUA_MASKCOUNT, 1);
    }
}

static void catch_sigint(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;               /* no SA_RESTART: poll() returns EINTR */
    sigaction(SIGINT, &sa, NULL);
}

/* ---- the prompt ---- */

static void on_line(char *line)
{
    prompt_line = line;
    prompt_done = 1;
    rl_callback_handler_remove();
}

/* Called through lua_pcall (argument: the CompletionRequest as a light userdata), so an error
 * or a memory failure in the completer stays inside Lua. [-0, +0, e] */
static int complete_in_lua(lua_State *L)
{
    CompletionRequest *rq = (CompletionRequest *)lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, completer_ref);            /* [rq, fn] */
    lua_pushstring(L, rq->text);
    lua_pushstring(L, rl_line_buffer ? rl_line_buffer : "");
    lua_pushinteger(L, rq->start);
    lua_pushinteger(L, rq->end);
    lua_call(L, 4, 2);                                           /* [rq, list, append] */
    if (lua_type(L, -1) == LUA_TSTRING) rq->append = lua_tostring(L, -1)[0];
    if (lua_type(L, -2) == LUA_TBOOLEAN && !lua_toboolean(L, -2)) rq->files = 1;
    if (lua_type(L, -2) != LUA_TTABLE) return 0;
    lua_Integer n = luaL_len(L, -2);
    if (n <= 0) return 0;
    if (n > 10000) n = 10000;
    rq->items = calloc((size_t)n, sizeof *rq->items);
    if (rq->items == NULL) return luaL_error(L, "not enough memory");
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -2, i);
        const char *s = lua_tostring(L, -1);
        if (s != NULL && (rq->items[rq->count] = strdup(s)) != NULL) rq->count++;
        lua_pop(L, 1);
    }
    return 0;
}

static void pending_clear(void)
{
    for (size_t i = pending.next; i < pending.count; i++) free(pending.items[i]);
    free(pending.items);
    memset(&pending, 0, sizeof pending);
}

static char *match_generator(const char *text, int state)
{
    (void)text;
    (void)state;
    if (pending.next < pending.count) return pending.items[pending.next++];   /* readline frees */
    return NULL;
}

static char **attempted_completion(const char *text, int start, int end)
{
    rl_attempted_completion_over = 1;   /* file names only when the completer asks for them */
    lua_State *L = completion_state;
    if (L == NULL || completer_ref == LUA_NOREF || !lua_checkstack(L, 8)) return NULL;
    pending_clear();
    pending.text = text;
    pending.start = start;
    pending.end = end;
    int top = lua_gettop(L);
    lua_pushcfunction(L, complete_in_lua);
    lua_pushlightuserdata(L, &pending);
    int status = lua_pcall(L, 1, 0, 0);
    lua_settop(L, top);
    if (status == LUA_OK && pending.files) {
        /* inside a string that names no id or element: readline's own file-name completion
         * (directories get '/', a file the closing quote) */
        rl_attempted_completion_over = 0;
        rl_completion_append_character = pending.append;
        pending_clear();
        return NULL;
    }
    if (status != LUA_OK || pending.count == 0) {
        pending_clear();
        return NULL;
    }
    rl_completion_append_character = pending.append;
    char **matches = rl_completion_matches(text, match_generator);
    pending_clear();
    return matches;
}

/* Inside an unfinished string literal the whole string so far is the word (a path such as
 * "data/plan.csv" or an indicator id); elsewhere Lua's operators and brackets break words. */
static char *word_break_hook(void)
{
    static char in_string_breaks[] = "\"'";
    char quote = 0;
    for (int i = 0; i < rl_point && rl_line_buffer[i] != '\0'; i++) {
        char c = rl_line_buffer[i];
        if (quote && c == '\\' && i + 1 < rl_point) { i++; continue; }
        if (quote == 0 && (c == '"' || c == '\'')) quote = c;
        else if (quote != 0 && c == quote) quote = 0;
    }
    return quote ? in_string_breaks : NULL;
}

/* readline([prompt]) -> line | nil (end of input) | nil, "interrupted" (Ctrl-C: the line is
 * dropped). Not for a stdin that is not a terminal: read it plainly. */
static int rl_readline_l(lua_State *L)
{
    const char *prompt = luaL_optstring(L, 1, "> ");
    FILE *in = rl_instream ? rl_instream : stdin;
    sigint_seen = 0;
    prompt_line = NULL;
    prompt_done = 0;
    completion_state = L;
    fflush(stdout);
    rl_callback_handler_install(prompt, on_line);
    while (!prompt_done) {
        struct pollfd p = { fileno(in), POLLIN, 0 };
        int r = poll(&p, 1, -1);
        if (sigint_seen) {
            rl_free_line_state();
            rl_callback_sigcleanup();
            rl_cleanup_after_signal();
            rl_callback_handler_remove();
            completion_state = NULL;
            sigint_seen = 0;
            fputs("^C\n", rl_outstream ? rl_outstream : stdout);
            fflush(rl_outstream ? rl_outstream : stdout);
            lua_pushnil(L);
            lua_pushliteral(L, "interrupted");
            return 2;
        }
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {                      /* the terminal went away: end of input */
            rl_callback_handler_remove();
            break;
        }
        rl_callback_read_char();
    }
    completion_state = NULL;
    if (prompt_line == NULL) return 0;
    lua_pushstring(L, prompt_line);
    free(prompt_line);
    prompt_line = NULL;
    return 1;
}

/* ---- running code ---- */

/* interruptible(fn, ...) -> true, results... | false, err. Runs fn so that Ctrl-C raises
 * "interrupted" in it; err is the string "interrupted" then, else what host_msghandler made of
 * the error (a traceback, or a tuiyan.Error unchanged). */
static int rl_interruptible(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    int nargs = lua_gettop(L) - 1;
    lua_pushcfunction(L, host_msghandler);
    lua_insert(L, 1);                                   /* [msgh, fn, args...] */
    sigint_seen = 0;
    running_state = L;
    catch_sigint();
    int status = lua_pcall(L, nargs, LUA_MULTRET, 1);
    running_state = NULL;
    lua_sethook(L, NULL, 0, 0);
    catch_sigint();                                     /* the handler may have reset it */
    int interrupted = sigint_seen;
    sigint_seen = 0;
    if (interrupted) {
        lua_settop(L, 0);
        lua_pushboolean(L, 0);
        lua_pushliteral(L, "interrupted");
        return 2;
    }
    if (status != LUA_OK) {
        lua_pushboolean(L, 0);
        lua_replace(L, 1);                              /* [false, err] */
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_replace(L, 1);                                  /* [true, results...] */
    return lua_gettop(L);
}

/* ---- set-up, history ---- */

/* init{ name = "tuiyan" }: readline's settings for a Lua REPL; LC_CTYPE from the environment
 * (UTF-8 input), never LC_NUMERIC; SIGINT handled here from now on. */
static int rl_init(lua_State *L)
{
    const char *name = "tuiyan";
    if (!lua_isnoneornil(L, 1)) {
        luaL_checktype(L, 1, LUA_TTABLE);
        if (lua_getfield(L, 1, "name") == LUA_TSTRING) name = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    setlocale(LC_CTYPE, "");
    static char rl_name[32];
    snprintf(rl_name, sizeof rl_name, "%s", name);
    rl_readline_name = rl_name;
    rl_catch_signals = 0;                 /* SIGINT is ours (on_sigint) */
    rl_basic_word_break_characters = " \t\n\"'`@$><=;|&{(,+-*/%^~#[])}";
    rl_completer_word_break_characters = (char *)rl_basic_word_break_characters;
    rl_attempted_completion_function = attempted_completion;
    rl_completion_word_break_hook = word_break_hook;
    catch_sigint();
    return 0;
}

/* set_completer(fn | nil): fn(text, line, start, stop) -> { candidate, ... }, append_char */
static int rl_set_completer(lua_State *L)
{
    if (!lua_isnoneornil(L, 1)) luaL_checktype(L, 1, LUA_TFUNCTION);
    luaL_unref(L, LUA_REGISTRYINDEX, completer_ref);
    completer_ref = LUA_NOREF;
    if (!lua_isnoneornil(L, 1)) {
        lua_pushvalue(L, 1);
        completer_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    return 0;
}

static int history_fail(lua_State *L, const char *what, const char *path, int e)
{
    TyError err;
    ty_error_set(&err, TY_EOUTPUT, "cannot %s history %s: %s", what, path, strerror(e));
    return host_fail(L, &err);
}

/* load_history(path, max) -> true | nil, err. A missing file is an empty history. */
static int rl_load_history(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lua_Integer max = luaL_checkinteger(L, 2);
    luaL_argcheck(L, max > 0 && max <= 1000000, 2, "1..1000000 expected");
    stifle_history((int)max);
    int e = read_history(path);
    if (e != 0 && e != ENOENT) return history_fail(L, "read", path, e);
    lua_pushboolean(L, 1);
    return 1;
}

/* add_history(line [, path]) -> true | nil, err: to the session's history, and appended to the
 * file when a path is given (created 0600 if missing), so a crash loses nothing. */
static int rl_add_history(lua_State *L)
{
    const char *line = luaL_checkstring(L, 1);
    const char *path = luaL_optstring(L, 2, NULL);
    add_history(line);
    if (path != NULL) {
        int e = append_history(1, path);
        if (e == ENOENT) e = write_history(path);
        if (e != 0) return history_fail(L, "write", path, e);
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* truncate_history(path, max) -> true | nil, err: keeps the file's last max entries. */
static int rl_truncate_history(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lua_Integer max = luaL_checkinteger(L, 2);
    luaL_argcheck(L, max > 0 && max <= 1000000, 2, "1..1000000 expected");
    int e = history_truncate_file(path, (int)max);
    if (e != 0 && e != ENOENT) return history_fail(L, "truncate", path, e);
    lua_pushboolean(L, 1);
    return 1;
}

/* isatty(fd) -> boolean */
static int rl_isatty(lua_State *L)
{
    lua_Integer fd = luaL_checkinteger(L, 1);
    luaL_argcheck(L, fd >= 0 && fd <= 1024, 1, "file descriptor expected");
    lua_pushboolean(L, isatty((int)fd));
    return 1;
}

static const luaL_Reg readline_funcs[] = {
    {"init", rl_init},
    {"readline", rl_readline_l},
    {"interruptible", rl_interruptible},
    {"set_completer", rl_set_completer},
    {"load_history", rl_load_history},
    {"add_history", rl_add_history},
    {"truncate_history", rl_truncate_history},
    {"isatty", rl_isatty},
    {NULL, NULL}
};

int luaopen_tuiyan_readline(lua_State *L)
{
    luaL_newlib(L, readline_funcs);
    return 1;
}
