/*
 * Cells.c: the screen's text for rates, addresses and cells.
 */
#include "config.h"
#include "ui/Cells.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "config/Settings.h"

void Cells_formatRate(int units, double bytesPerSecond, char* out, size_t size) {
   if (units != SETTINGS_UNITS_BITS) {
      Column_humanBytes(bytesPerSecond, out, size);
      return;
   }
   static const char prefixes[] = "kMGTP";
   double v = bytesPerSecond * 8;
   int u = -1;
   while (v >= 1000 && u < 4) {
      v /= 1000;
      u++;
   }
   if (u < 0)
      snprintf(out, size, "%.0fb", v);
   else
      snprintf(out, size, v < 10 ? "%.1f%cb" : "%.0f%cb", v, prefixes[u]);
}

bool Cells_isAddress(int columnId) {
   return columnId == COLUMN_LADDR || columnId == COLUMN_RADDR;
}

/* An address cell: the host name once resolved (n), else numeric. */
static void Cells_address(const CellFormat* this, const Conn* c, bool local, char* out, size_t size) {
   uint8_t a[16] = { 0 };   /* the resolver's keys are 16 bytes */
   memcpy(a, local ? Conn_laddr(c) : Conn_raddr(c), c->family == AF_INET6 ? 16 : 4);
   int af = c->family == AF_INET6 ? AF_INET6 : AF_INET;
   if (this->names && this->resolver && Resolver_name(this->resolver, af, a, out, size))
      return;
   if (!inet_ntop(af, a, out, (socklen_t)size))
      snprintf(out, size, "?");
}

void Cells_format(const CellFormat* this, int columnId, const Conn* c, char* out, size_t size) {
   const Column* col = &Column_table[columnId];
   if (Cells_isAddress(columnId))
      Cells_address(this, c, columnId == COLUMN_LADDR, out, size);
   else if (col->rate)
      Cells_formatRate(this->units, Column_sortValue(col, c), out, size);
   else
      Column_human(col, c, &this->ctx, out, size);
   for (char* p = out; *p; p++) {
      if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
         *p = '?';   /* the terminal gets printable ASCII only */
   }
}

char* Cells_fit(const char* s, int w, bool right, bool middle, const char* ellipsis, char* out, size_t size) {
   int l = (int)strlen(s);
   if (w <= 0)
      out[0] = '\0';
   else if (l <= w)
      snprintf(out, size, right ? "%*s" : "%-*s", w, s);
   else if (middle && w > 2)
      snprintf(out, size, "%.*s%s%s", (w - 1) / 2, s, ellipsis, s + l - (w - 1 - (w - 1) / 2));
   else
      snprintf(out, size, "%.*s", w, s);
   return out;
}
