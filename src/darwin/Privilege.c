/*
 * darwin/Privilege.c: macOS has no eBPF; capture needs root or read access
 * to /dev/bpf*.
 */
#include "config.h"
#include "core/Privilege.h"

#include <unistd.h>

#include "core/XUtils.h"

bool Privilege_canLoad(void) {
   return false;
}

bool Privilege_canCapture(void) {
   return geteuid() == 0 || access("/dev/bpf0", R_OK) == 0;
}


char* Privilege_loadMessage(void) {
   return xStrdup("eBPF needs Linux: capture packets with --backend pcap, as root");
}
