/* fmt.c: drlc fmt (being written). */
#include "drlc.h"

int fmt_main(int argc, char **argv) { (void)argc; (void)argv; fputs("drlc fmt: not yet\n", stderr); return 2; }
