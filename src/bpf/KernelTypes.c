/*
 * KernelTypes.c: BTF first (CO-RE, no headers needed); kernel headers only as
 * a fallback, the way BCC compiles against them.
 */
#include "config.h"
#include "bpf/KernelTypes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "core/XUtils.h"
#include "bpf/BtfHeader.h"

#define KT_MAX_ARGS 16

/* The memo's key: this boot, this BTF file and its size. */
static bool KernelTypes_memoKey(const char* btfPath, HashDigest* key) {
   struct stat st;
   Hash h;
   if (stat(btfPath, &st) != 0 || !Cache_bootKey(&h, "kernel-btf-digest-1"))
      return false;
   Hash_str(&h, btfPath);
   Hash_field(&h, &st.st_size, sizeof(st.st_size));
   *key = Hash_final(&h);
   return true;
}

static int KernelTypes_btfDigest(const char* btfPath, Cache* cache, HashDigest* out) {
   HashDigest key;
   bool memo = cache && cache->usable && KernelTypes_memoKey(btfPath, &key);
   size_t len = 0;
   char* got = memo ? Cache_get(cache, key, CACHE_BTF_DIGEST, &len, NULL) : NULL;
   if (got && len == sizeof(*out)) {
      memcpy(out, got, sizeof(*out));
      free(got);
      return 0;
   }
   free(got);
   int err = Hash_file(btfPath, out);
   if (err == 0 && memo)
      Cache_put(cache, key, CACHE_BTF_DIGEST, out, sizeof(*out));
   return err;
}

void KernelTypes_find(KernelTypes* this, const char* btfPath, const char* modulesDir, Cache* cache) {
   memset(this, 0, sizeof(*this));
   this->btfPath = xStrdup(btfPath ? btfPath : BTFHEADER_VMLINUX);
   int err = KernelTypes_btfDigest(this->btfPath, cache, &this->digest);
   if (err == 0) {
      this->haveBtf = true;
      return;
   }
   struct utsname u;
   uname(&u);
   char* dir = xAsprintf("%s/%s/build", modulesDir ? modulesDir : "/lib/modules", u.release);
   char* probe = xAsprintf("%s/include/linux/kconfig.h", dir);
   if (access(probe, R_OK) == 0) {
      this->headersDir = dir;
      Hash h;
      Hash_init(&h);
      Hash_str(&h, u.release);
      Hash_str(&h, u.version);
      Hash_str(&h, dir);
      this->digest = Hash_final(&h);
   } else {
      this->error = xAsprintf("this kernel has no BTF (%s: %s) and no headers (%s): "
                              "use a kernel built with CONFIG_DEBUG_INFO_BTF=y, or install the "
                              "linux-headers-%s package", this->btfPath, strerror(err),
                              dir, u.release);
      free(dir);
   }
   free(probe);
}

void KernelTypes_done(KernelTypes* this) {
   free(this->btfPath);
   free(this->headersDir);
   free(this->error);
   for (int i = 0; i < KT_MAX_ARGS && this->args[i]; i++)
      free(this->args[i]);
   memset(this, 0, sizeof(*this));
}

const char* const* KernelTypes_headerArgs(KernelTypes* this) {
   static const char* const rel[] = {
      "arch/x86/include", "arch/x86/include/generated", "include",
      "arch/x86/include/uapi", "arch/x86/include/generated/uapi",
      "include/uapi", "include/generated/uapi",
   };
   int n = 0;
   if (!this->args[0] && this->headersDir) {
      for (size_t i = 0; i < ARRAY_SIZE(rel); i++)
         this->args[n++] = xAsprintf("-I%s/%s", this->headersDir, rel[i]);
      this->args[n++] = xStrdup("-include");
      this->args[n++] = xAsprintf("%s/include/linux/kconfig.h", this->headersDir);
      this->args[n++] = xStrdup("-D__KERNEL__");
      this->args[n++] = xStrdup("-DBPF_NO_PRESERVE_ACCESS_INDEX");
      this->args[n++] = xStrdup("-DTCPTOP_NO_BTF");
      this->args[n++] = xStrdup("-Wno-unused-value");
      this->args[n++] = xStrdup("-Wno-pointer-sign");
   }
   return (const char* const*)this->args;
}

const char* KernelTypes_headersShim(void) {
   return "/* vmlinux.h stand-in: kernel headers (no BTF on this kernel) */\n"
          "#include <linux/types.h>\n"
          "#include <linux/bpf.h>\n"
          "#include <linux/ptrace.h>\n"
          "#include <linux/socket.h>\n"
          "#include <linux/in.h>\n"
          "#include <linux/in6.h>\n"
          "#include <net/sock.h>\n"
          "#include <net/inet_sock.h>\n"
          "#include <linux/tcp.h>\n"
          "#include <linux/udp.h>\n";
}
