/* fmt.c: drlc fmt (being written). */
#include "drlc.h"

bool fmt_format(Ctx *cx, Source *src, Buf *out) { (void)cx; (void)src; (void)out; return false; }
int fmt_main(int argc, char **argv) { (void)argc; (void)argv; fputs("drlc fmt: not yet\n", stderr); return 2; }
