/* rules.c: stack rules and specification checks (being written). */
#include "drlc.h"

void rules_check(Ctx *cx, Program *p) { (void)cx; (void)p; }
void rules_check_template(Ctx *cx, Program *p, cJSON *template) { (void)cx; (void)p; (void)template; }
