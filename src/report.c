/* report.c: --report and --source-map (being written). */
#include "drlc.h"

void report_markdown(Ctx *cx, Program *p, const cJSON *template, Buf *out) { (void)cx; (void)p; (void)template; (void)out; }
int write_source_map(Ctx *cx, Program *p, const cJSON *template, const char *path) { (void)cx; (void)p; (void)template; (void)path; return 0; }
