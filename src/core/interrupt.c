/* interrupt.c — the interrupt flag of interrupt.h. */
#include "interrupt.h"

volatile sig_atomic_t ty_interrupt_flag = 0;
