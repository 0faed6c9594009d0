/*
 * CgroupName.c: a cgroup v2 path made short (no system calls: unit-tested).
 */
#include "config.h"
#include "core/CgroupName.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CGROUPNAME_ID_LEN 12   /* docker ps's short container id */

/* The path element [start, end) as a string. */
static void CgroupName_element(const char* start, size_t len, char* out, size_t size) {
   snprintf(out, size, "%.*s", (int)len, start);
}

static bool CgroupName_endsWith(const char* s, size_t len, const char* suffix) {
   size_t n = strlen(suffix);
   return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* "docker-<64 hex>.scope" (and libpod-, crio-, cri-containerd-): the id's
 * first 12 characters; also a bare 64-hex element (cgroupfs drivers). */
static bool CgroupName_container(const char* e, size_t len, char* out, size_t size) {
   static const char* const prefixes[] = { "docker-", "libpod-", "crio-", "cri-containerd-" };
   for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
      size_t p = strlen(prefixes[i]);
      if (len > p && strncmp(e, prefixes[i], p) == 0 && strspn(e + p, "0123456789abcdef") >= CGROUPNAME_ID_LEN) {
         CgroupName_element(e + p, CGROUPNAME_ID_LEN, out, size);
         return true;
      }
   }
   if (len == 64 && strspn(e, "0123456789abcdef") == 64) {
      CgroupName_element(e, CGROUPNAME_ID_LEN, out, size);
      return true;
   }
   return false;
}

/* "kubepods-besteffort-pod<uid>.slice" (systemd driver, '_' for '-') or
 * "pod<uid>" (cgroupfs driver): the pod's UID with its dashes. */
static bool CgroupName_pod(const char* e, size_t len, char* out, size_t size) {
   const char* pod = NULL;
   if (strncmp(e, "kubepods", 8) == 0) {
      for (const char* p = e; p + 3 < e + len; p++) {
         if ((p == e || p[-1] == '-') && strncmp(p, "pod", 3) == 0)
            pod = p + 3;
      }
   } else if (strncmp(e, "pod", 3) == 0 && len > 3) {
      pod = e + 3;
   }
   if (!pod)
      return false;
   size_t n = (size_t)(e + len - pod);
   if (CgroupName_endsWith(pod, n, ".slice"))
      n -= 6;
   if (n == 0 || n + 1 > size)
      return false;
   for (size_t i = 0; i < n; i++)
      out[i] = pod[i] == '_' ? '-' : pod[i];
   out[n] = '\0';
   return true;
}

static bool CgroupName_unit(const char* e, size_t len) {
   return CgroupName_endsWith(e, len, ".service") || CgroupName_endsWith(e, len, ".scope") ||
          CgroupName_endsWith(e, len, ".slice");
}

void CgroupName_short(const char* path, char* out, size_t size) {
   const char* elems[64];
   size_t lens[64], n = 0;
   for (const char* p = path; *p && n < 64;) {
      p += strspn(p, "/");
      size_t l = strcspn(p, "/");
      if (l) {
         elems[n] = p;
         lens[n++] = l;
      }
      p += l;
   }
   if (n == 0) {
      snprintf(out, size, "/");
      return;
   }
   for (size_t i = n; i-- > 0;) {   /* the innermost container or pod */
      if (CgroupName_container(elems[i], lens[i], out, size) || CgroupName_pod(elems[i], lens[i], out, size))
         return;
   }
   for (size_t i = n; i-- > 0;) {   /* else the innermost unit */
      if (CgroupName_unit(elems[i], lens[i]) && !CgroupName_endsWith(elems[i], lens[i], ".slice")) {
         CgroupName_element(elems[i], lens[i], out, size);
         return;
      }
   }
   CgroupName_element(elems[n - 1], lens[n - 1], out, size);
}
