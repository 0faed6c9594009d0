/*
 * BtfHeader.c: vmlinux.h from BTF, whole or trimmed to the names a probe uses.
 *
 * Trimming matters: clang needs ~0.35 s to parse the full header of a 6.x
 * kernel, against a few ms for the few hundred types a probe really uses.
 */
#include "config.h"
#include "bpf/BtfHeader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

struct BtfHeader_ {
   struct btf* btf;
};

static const char* const BtfHeader_prologue =
   "#ifndef __VMLINUX_H__\n"
   "#define __VMLINUX_H__\n\n"
   "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
   "#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"
   "#endif\n\n";

static const char* const BtfHeader_epilogue =
   "\n#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
   "#pragma clang attribute pop\n"
   "#endif\n\n"
   "#endif /* __VMLINUX_H__ */\n";

BtfHeader* BtfHeader_open(const char* path, char** err) {
   struct btf* btf = btf__parse_raw(path);
   if (!btf) {
      int e = errno;
      *err = xAsprintf("cannot read kernel BTF %s: %s", path, strerror(e));
      return NULL;
   }
   BtfHeader* this = xCalloc(1, sizeof(*this));
   this->btf = btf;
   return this;
}

static void BtfHeader_print(void* ctx, const char* fmt, va_list args) {
   Buf_vprintf((Buf*)ctx, fmt, args);
}

static bool BtfHeader_enumNamed(const struct btf* btf, const struct btf_type* t, const StrSet* names) {
   if (btf_is_enum(t)) {
      const struct btf_enum* e = btf_enum(t);
      for (int i = 0; i < btf_vlen(t); i++, e++) {
         if (StrSet_has(names, btf__name_by_offset(btf, e->name_off)))
            return true;
      }
   }
#if LIBBPF_MAJOR_VERSION >= 1
   if (btf_is_enum64(t)) {
      const struct btf_enum64* e = btf_enum64(t);
      for (int i = 0; i < btf_vlen(t); i++, e++) {
         if (StrSet_has(names, btf__name_by_offset(btf, e->name_off)))
            return true;
      }
   }
#endif
   return false;
}

static bool BtfHeader_wanted(const struct btf* btf, const struct btf_type* t, const StrSet* names) {
   if (!(btf_is_composite(t) || btf_is_any_enum(t) || btf_is_typedef(t)))
      return false;
   const char* name = btf__name_by_offset(btf, t->name_off);
   if (name && *name && StrSet_has(names, name))
      return true;
   return btf_is_any_enum(t) && BtfHeader_enumNamed(btf, t, names);
}

/* The header, whole (names NULL) or trimmed; 0 or an errno. */
static int BtfHeader_dump(BtfHeader* this, const StrSet* names, Buf* out) {
   struct btf_dump* d = btf_dump__new(this->btf, BtfHeader_print, out, NULL);
   if (!d)
      return errno ? errno : EINVAL;
   Buf_appendStr(out, BtfHeader_prologue);
   int err = 0;
   unsigned n = btf__type_cnt(this->btf);
   for (unsigned id = 1; id < n && !err; id++) {
      if (names && !BtfHeader_wanted(this->btf, btf__type_by_id(this->btf, id), names))
         continue;
      err = btf_dump__dump_type(d, id);
   }
   btf_dump__free(d);
   Buf_appendStr(out, BtfHeader_epilogue);
   return err < 0 ? -err : err;
}

static int BtfHeader_fail(int errnum, char** err) {
   *err = xAsprintf("cannot write the kernel's BTF types as C (vmlinux.h): %s", strerror(errnum));
   return -1;
}

int BtfHeader_dumpAll(BtfHeader* this, Buf* out, char** err) {
   int errnum = BtfHeader_dump(this, NULL, out);
   return errnum ? BtfHeader_fail(errnum, err) : 0;
}

int BtfHeader_dumpNamed(BtfHeader* this, const StrSet* names, Buf* out, char** err) {
   int errnum = BtfHeader_dump(this, names, out);
   return errnum ? BtfHeader_fail(errnum, err) : 0;
}

void BtfHeader_addBaseNames(StrSet* names) {
   static const char* const base[] = {
      "__u8", "__u16", "__u32", "__u64", "__s8", "__s16", "__s32", "__s64",
      "__be16", "__be32", "__be64", "__le16", "__le32", "__le64", "__wsum", "__sum16",
      "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "bool", "pt_regs",
   };
   for (size_t i = 0; i < ARRAY_SIZE(base); i++)
      StrSet_add(names, base[i]);
}
