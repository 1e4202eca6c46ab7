/* embedded.h — the files compiled into the binary by tools/embed.c: the Lua stdlib
 * (stdlib/), host Lua (lua/) and the default data (stdlib/data/). */
#ifndef TY_EMBEDDED_H
#define TY_EMBEDDED_H

#include <stddef.h>

typedef struct TyEmbedded {
    const char *path;               /* repository path, e.g. "stdlib/tuiyan/plan.lua" */
    const unsigned char *data;
    size_t len;
} TyEmbedded;

extern const TyEmbedded ty_embedded[];   /* terminated by { 0, 0, 0 } */
extern const size_t ty_embedded_count;

/* The embedded file with this path, or NULL. */
const TyEmbedded *embedded_find(const char *path);

#endif
