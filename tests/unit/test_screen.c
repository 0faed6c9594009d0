/* The screen's pieces that need no terminal: cell fitting (middle ellipsis),
 * rate units (bytes, bits), sparklines (UTF-8 and ASCII,
 * scaling, the ring), the multi-row graph, and the resolver (numeric first,
 * never blocking; the name once the thread has it). */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "ui/Resolver.h"
#include "ui/Screen.h"
#include "ui/Sparkline.h"
#include "check.h"

static void test_sparkline(void) {
   Sparkline s;
   memset(&s, 0, sizeof(s));
   char out[SPARKLINE_LEN * 4 + 1];
   CHECK_STR(Sparkline_render(&s, 4, true, out, sizeof(out)), "    ");
   Sparkline_push(&s, 0);
   Sparkline_push(&s, 1);
   Sparkline_push(&s, 4);
   Sparkline_push(&s, 8);
   CHECK_STR(Sparkline_render(&s, 4, true, out, sizeof(out)), " ▁▄█");
   CHECK_STR(Sparkline_render(&s, 4, false, out, sizeof(out)), " .=@");
   CHECK_STR(Sparkline_render(&s, 6, false, out, sizeof(out)), "   .=@");   /* right aligned */
   CHECK(Sparkline_get(&s, 0) == 8 && Sparkline_get(&s, 3) == 0 && Sparkline_get(&s, 9) == 0);
   CHECK(Sparkline_max(&s, 2) == 8);
   for (int i = 0; i < SPARKLINE_LEN + 10; i++)
      Sparkline_push(&s, i);
   CHECK(s.count == SPARKLINE_LEN && Sparkline_get(&s, 0) == SPARKLINE_LEN + 9);
   CHECK(Sparkline_get(&s, SPARKLINE_LEN - 1) == 10);
   char small[5];
   Sparkline_render(&s, 8, true, small, sizeof(small));   /* one 3-byte block fits, no partial one */
   CHECK(strlen(small) == 3);
}

static void test_graph(void) {
   Sparkline s;
   memset(&s, 0, sizeof(s));
   Sparkline_push(&s, 2);
   Sparkline_push(&s, 1);
   char out[64];
   /* two rows, max 2: 2 fills both rows, 1 fills the bottom one */
   CHECK_STR(Sparkline_graphRow(&s, 2, 2, 0, 2, true, out, sizeof(out)), "█ ");
   CHECK_STR(Sparkline_graphRow(&s, 2, 2, 1, 2, true, out, sizeof(out)), "██");
   CHECK_STR(Sparkline_graphRow(&s, 2, 2, 1, 2, false, out, sizeof(out)), "@@");
}

static void test_resolver(void) {
   Resolver* r = Resolver_new();
   CHECK(r != NULL);
   if (!r)
      return;
   uint8_t lo[16] = { 127, 0, 0, 1 };
   char name[256];
   CHECK(!Resolver_name(r, AF_INET, lo, name, sizeof(name)));   /* queued, not known yet */
   bool known = false;
   for (int i = 0; i < 500 && !known; i++) {
      struct timespec ts = { 0, 10 * 1000 * 1000 };
      nanosleep(&ts, NULL);
      known = Resolver_name(r, AF_INET, lo, name, sizeof(name));
   }
   CHECK(known);   /* /etc/hosts names 127.0.0.1 */
   if (known)
      CHECK(strlen(name) > 0 && strcmp(name, "127.0.0.1") != 0);
   Resolver_free(r);
}

static void test_fit(void) {
   char out[128];
   const char* v6 = "2001:db8:85a3:1234:5678:8a2e:370:7334";   /* 37 characters */
   CHECK_STR(Screen_fit(v6, 15, false, true, "~", out, sizeof(out)), "2001:db~70:7334");
   CHECK(strlen(Screen_fit(v6, 15, false, true, "~", out, sizeof(out))) == 15);
   CHECK_STR(Screen_fit(v6, 15, false, true, "…", out, sizeof(out)), "2001:db…70:7334");
   CHECK_STR(Screen_fit(v6, 39, false, true, "~", out, sizeof(out)), "2001:db8:85a3:1234:5678:8a2e:370:7334  ");
   CHECK_STR(Screen_fit("42", 5, true, false, "~", out, sizeof(out)), "   42");
   CHECK_STR(Screen_fit("python3", 4, false, false, "~", out, sizeof(out)), "pyth");
   CHECK_STR(Screen_fit("x", 0, false, false, "~", out, sizeof(out)), "");
}

static void test_units(void) {
   Settings settings;
   Settings_init(&settings);
   Monitor monitor = { .settings = &settings };
   Screen screen = { .monitor = &monitor };
   char out[32];
   Screen_formatRate(&screen, 1536, out, sizeof(out));
   CHECK_STR(out, "1.5K");                               /* bytes: units of 1024 */
   settings.units = SETTINGS_UNITS_BITS;
   Screen_formatRate(&screen, 1500, out, sizeof(out));
   CHECK_STR(out, "12kb");                               /* bits: units of 1000 */
   Screen_formatRate(&screen, 125000000, out, sizeof(out));
   CHECK_STR(out, "1.0Gb");
   Screen_formatRate(&screen, 100, out, sizeof(out));
   CHECK_STR(out, "800b");
}

int main(void) {
   test_fit();
   test_units();
   test_sparkline();
   test_graph();
   test_resolver();
   return check_done("test_screen");
}
