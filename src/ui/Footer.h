/*
 * Footer.h: the bottom line: the prompt being typed, else an open panel's
 * keys, else the last message, else the list's key bar.
 */
#ifndef TCPTOP_FOOTER_H
#define TCPTOP_FOOTER_H

#include "ui/Prompt.h"
#include "ui/View.h"

/* panelKeys: the open panel's hint (PanelClass.keys), or NULL. */
void Footer_draw(const View* view, const Prompt* prompt, const char* panelKeys);

#endif
