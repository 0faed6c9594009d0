/*
 * Prompt.h: a line typed on the bottom row of the connection list: the /
 * filter (applied as it is typed; Esc clears it) or a new interval after d
 * (applied on Enter).
 */
#ifndef TCPTOP_PROMPT_H
#define TCPTOP_PROMPT_H

#include <stdbool.h>

#include "ui/View.h"

typedef enum PromptKind_ {
   PROMPT_NONE,
   PROMPT_FILTER,      /* the / filter: the view's text, edited in place */
   PROMPT_INTERVAL,    /* d: seconds */
} PromptKind;

typedef struct Prompt_ {
   PromptKind kind;
   char input[VIEW_FILTER_LEN];   /* the interval's text */
} Prompt;

void Prompt_start(Prompt* this, PromptKind kind);
bool Prompt_active(const Prompt* this);
/* A key while active: edits, Enter applies, Esc leaves. */
void Prompt_handleKey(Prompt* this, View* view, int key);
/* "Filter: text_" at the cursor. */
void Prompt_draw(const Prompt* this, const View* view);

#endif
