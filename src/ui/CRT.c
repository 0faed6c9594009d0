/*
 * CRT.c: curses set-up, palette, and the crash-time terminal restore.
 */
#include "config.h"
#include "ui/CRT.h"

#include <curses.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include "config/Settings.h"
#include "core/XUtils.h"

/*
 * What a fatal signal handler needs, prepared in advance: it may only use
 * async-signal-safe calls (write, tcsetattr, signal, raise).
 */
static struct {
   struct termios saved;
   bool valid;
   char leave[256];     /* terminfo: leave the alternate screen, show the cursor, ... */
   size_t leaveLen;
   volatile int stderrFd;   /* the real fd 2 while it goes to the capture; -1 */
} CRT_crash = { .stderrFd = -1 };

static const int CRT_fatalSignals[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };

/* The terminal as it was and fd 2 back on it, for the reason of a crash
 * (XUtils_crashRestore: the seccomp SIGSYS handler prints after it). */
static void CRT_restoreForCrash(void) {
   if (CRT_crash.valid) {
      ssize_t w = write(STDOUT_FILENO, CRT_crash.leave, CRT_crash.leaveLen);
      (void)w;
      tcsetattr(STDIN_FILENO, TCSANOW, &CRT_crash.saved);
   }
   if (CRT_crash.stderrFd >= 0)
      dup2(CRT_crash.stderrFd, STDERR_FILENO);
}

static void CRT_onFatal(int sig) {
   CRT_restoreForCrash();
   signal(sig, SIG_DFL);
   raise(sig);
}

/* Appends a terminfo capability (no padding) to the crash-time sequence. */
static void CRT_addLeave(const char* cap) {
   char* s = tigetstr((char*)cap);
   if (!s || s == (char*)-1)
      return;
   size_t l = strlen(s);
   if (CRT_crash.leaveLen + l < sizeof(CRT_crash.leave)) {
      memcpy(CRT_crash.leave + CRT_crash.leaveLen, s, l);
      CRT_crash.leaveLen += l;
   }
}

static void CRT_armCrash(void) {
   CRT_crash.leaveLen = 0;
   CRT_addLeave("sgr0");
   CRT_addLeave("rmkx");
   CRT_addLeave("cnorm");
   CRT_addLeave("rmcup");
   CRT_crash.valid = true;
   struct sigaction sa = { .sa_handler = CRT_onFatal, .sa_flags = SA_RESETHAND | SA_NODEFER };
   sigemptyset(&sa.sa_mask);
   for (size_t i = 0; i < ARRAY_SIZE(CRT_fatalSignals); i++)
      sigaction(CRT_fatalSignals[i], &sa, NULL);
   XUtils_setCrashRestore(CRT_restoreForCrash);
}

static void CRT_disarmCrash(void) {
   XUtils_setCrashRestore(NULL);
   for (size_t i = 0; i < ARRAY_SIZE(CRT_fatalSignals); i++)
      signal(CRT_fatalSignals[i], SIG_DFL);
   CRT_crash.valid = false;
}

/* fd 2 into an anonymous file while curses owns the terminal. */
static void CRT_captureStderr(CRT* this) {
   this->savedStderr = -1;
   this->capture = memfd_create("tcptop-stderr", MFD_CLOEXEC);
   if (this->capture < 0)
      return;
   fflush(stderr);
   this->savedStderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
   if (this->savedStderr < 0 || dup2(this->capture, STDERR_FILENO) < 0) {
      close(this->capture);
      this->capture = -1;
      return;
   }
   CRT_crash.stderrFd = this->savedStderr;
}

static void CRT_releaseStderr(CRT* this) {
   if (this->savedStderr < 0)
      return;
   CRT_crash.stderrFd = -1;
   fflush(stderr);
   dup2(this->savedStderr, STDERR_FILENO);
   close(this->savedStderr);
   this->savedStderr = -1;
   char buf[4096];
   ssize_t n;
   lseek(this->capture, 0, SEEK_SET);
   while ((n = read(this->capture, buf, sizeof(buf))) > 0) {
      ssize_t w = write(STDERR_FILENO, buf, (size_t)n);
      (void)w;
   }
   close(this->capture);
}

static bool CRT_wantColour(int mode) {
   const char* noColor = getenv("NO_COLOR");
   if (mode == SETTINGS_COLOUR_NEVER || (noColor && noColor[0]))
      return false;
   return has_colors();
}

static void CRT_monochrome(CRT* this) {
   int* a = this->attr;
   a[CRT_TITLE] = A_BOLD;
   a[CRT_LABEL] = A_NORMAL;
   a[CRT_VALUE] = A_BOLD;
   a[CRT_GRAPH_TX] = a[CRT_GRAPH_RX] = A_NORMAL;
   a[CRT_WARNING] = A_BOLD;
   a[CRT_TABLE_HEAD] = A_REVERSE;
   a[CRT_SORT_HEAD] = A_REVERSE | A_BOLD | A_UNDERLINE;
   a[CRT_ROW] = A_NORMAL;
   a[CRT_ROW_CLOSED] = A_DIM;
   a[CRT_SELECTED] = A_REVERSE | A_BOLD;
   a[CRT_KEY] = A_BOLD;
   a[CRT_KEY_TEXT] = A_REVERSE;
}

static void CRT_colours(CRT* this) {
   static const short pairs[][2] = {
      { COLOR_CYAN, -1 }, { COLOR_GREEN, -1 }, { COLOR_MAGENTA, -1 }, { COLOR_RED, -1 },
      { COLOR_BLACK, COLOR_GREEN }, { COLOR_BLACK, COLOR_CYAN }, { COLOR_BLACK, COLOR_CYAN },
   };
   start_color();
   use_default_colors();
   for (short i = 0; i < (short)ARRAY_SIZE(pairs); i++)
      init_pair((short)(i + 1), pairs[i][0], pairs[i][1]);
   int* a = this->attr;
   a[CRT_LABEL] = COLOR_PAIR(1);
   a[CRT_GRAPH_TX] = COLOR_PAIR(2);
   a[CRT_GRAPH_RX] = COLOR_PAIR(3);
   a[CRT_WARNING] = COLOR_PAIR(4) | A_BOLD;
   a[CRT_TABLE_HEAD] = COLOR_PAIR(5);
   a[CRT_SORT_HEAD] = COLOR_PAIR(6) | A_BOLD;
   a[CRT_ROW_CLOSED] = COLOR_PAIR(4);
   a[CRT_SELECTED] = COLOR_PAIR(7) | A_BOLD;
   a[CRT_KEY_TEXT] = COLOR_PAIR(6);
}

int CRT_init(CRT* this, int colourMode, char** err) {
   memset(this, 0, sizeof(*this));
   setlocale(LC_ALL, "");
   setlocale(LC_NUMERIC, "C");
   this->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
   CRT_crash.valid = tcgetattr(STDIN_FILENO, &CRT_crash.saved) == 0;
   CRT_captureStderr(this);
   SCREEN* term = newterm(NULL, stdout, stdin);
   if (!term) {
      CRT_releaseStderr(this);
      *err = xAsprintf("cannot start the screen on this terminal (TERM=%s); use -b", getenv("TERM") ? getenv("TERM") : "");
      return -1;
   }
   set_term(term);
   this->term = term;
   cbreak();
   noecho();
   nonl();
   keypad(stdscr, TRUE);
   nodelay(stdscr, TRUE);
   set_escdelay(25);
   curs_set(0);
   CRT_monochrome(this);
   this->colour = CRT_wantColour(colourMode);
   if (this->colour)
      CRT_colours(this);
   CRT_armCrash();
   return 0;
}

void CRT_done(CRT* this) {
   erase();
   refresh();
   curs_set(1);
   endwin();
   delscreen(this->term);
   if (CRT_crash.valid)
      tcsetattr(STDIN_FILENO, TCSADRAIN, &CRT_crash.saved);
   CRT_disarmCrash();
   CRT_releaseStderr(this);
}

const char* CRT_arrow(const CRT* this, bool descending) {
   if (this->utf8)
      return descending ? "▼" : "▲";
   return descending ? "v" : "^";
}

const char* CRT_ellipsis(const CRT* this) {
   return this->utf8 ? "…" : "~";
}

void CRT_addPair(const CRT* this, const char* label, const char* value, int element) {
   attrset(this->attr[CRT_LABEL]);
   addstr(label);
   attrset(this->attr[element]);
   addstr(value);
   attrset(A_NORMAL);
}
