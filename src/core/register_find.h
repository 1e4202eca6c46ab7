/* register_find.h — does a text hold a register's firm-level data? What leaves a county's
 * sandbox is checked with this (lua/sandbox_child.lua): a 统一社会信用代码 or a firm name of a
 * register that the run read, anywhere in a result's bytes, makes the result firm-level. */
#ifndef TY_REGISTER_FIND_H
#define TY_REGISTER_FIND_H

#include <stddef.h>
#include "register.h"

typedef enum { REG_FOUND_NONE, REG_FOUND_CODE, REG_FOUND_NAME } TyRegFound;

/* Names shorter than this many bytes are not looked for: "甲" would match any text. */
#define REGISTER_FIND_MIN_NAME 6

/* The first firm identifier of r in text[0..len) (by position): *row the register row it
 * belongs to. TY_ENOMEM is returned as REG_FOUND_NONE with *nomem set. */
TyRegFound register_find_firm(const TyRegister *r, const char *text, size_t len, size_t *row, int *nomem);

#endif
