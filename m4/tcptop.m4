# tcptop.m4: dependency checks that name the Debian package to install.

# TCPTOP_REQUIRE_PKG(VAR, PKG-CONFIG-MODULE, DEBIAN-PACKAGE)
AC_DEFUN([TCPTOP_REQUIRE_PKG], [
  PKG_CHECK_MODULES([$1], [$2], [],
    [AC_MSG_ERROR([$2 was not found by pkg-config: install the Debian package $3 (apt-get install $3), then run configure again])])
])

# TCPTOP_LIBBPF_HEADERS: the directory holding libbpf's BPF-side headers
# (bpf_helpers.h and friends), embedded into tcptop at build time.
AC_DEFUN([TCPTOP_LIBBPF_HEADERS], [
  AC_MSG_CHECKING([for libbpf's BPF-side headers])
  libbpf_incdir=`$PKG_CONFIG --variable=includedir libbpf`
  LIBBPF_BPF_HEADERS_DIR="$libbpf_incdir/bpf"
  for h in bpf_helpers.h bpf_helper_defs.h bpf_tracing.h bpf_core_read.h bpf_endian.h; do
    test -r "$LIBBPF_BPF_HEADERS_DIR/$h" || AC_MSG_ERROR([$LIBBPF_BPF_HEADERS_DIR/$h not found: install the Debian package libbpf-dev])
  done
  AC_MSG_RESULT([$LIBBPF_BPF_HEADERS_DIR])
  AC_SUBST([LIBBPF_BPF_HEADERS_DIR])
])

# TCPTOP_CLANG: LLVM (llvm-config) and clang's C++ libraries (clang-cpp).
AC_DEFUN([TCPTOP_CLANG], [
  AC_ARG_VAR([LLVM_CONFIG], [path to llvm-config])
  AS_IF([test -z "$LLVM_CONFIG"], [
    AC_PATH_PROGS([LLVM_CONFIG], [llvm-config llvm-config-16 llvm-config-15 llvm-config-14 llvm-config-13], [],
                  [$PATH:/usr/lib/llvm-16/bin:/usr/lib/llvm-15/bin:/usr/lib/llvm-14/bin])
  ])
  AS_IF([test -z "$LLVM_CONFIG"],
    [AC_MSG_ERROR([llvm-config was not found: install the Debian package llvm-14-dev (or pass LLVM_CONFIG=/path/to/llvm-config)])])
  LLVM_VERSION=`$LLVM_CONFIG --version`
  LLVM_MAJOR=`echo "$LLVM_VERSION" | cut -d. -f1`
  AS_IF([test "$LLVM_MAJOR" -lt 13],
    [AC_MSG_ERROR([LLVM $LLVM_VERSION is too old; tcptop needs LLVM 13 or newer: install llvm-14-dev])])
  LLVM_INCLUDEDIR=`$LLVM_CONFIG --includedir`
  LLVM_LIBDIR=`$LLVM_CONFIG --libdir`
  AS_IF([$LLVM_CONFIG --targets-built | grep -qw BPF], [],
    [AC_MSG_ERROR([LLVM at $LLVM_CONFIG was built without the BPF target])])
  # Only the flags we need, not llvm-config's -O/-g/-W choices.
  CLANG_CPPFLAGS="-I$LLVM_INCLUDEDIR -D__STDC_CONSTANT_MACROS -D__STDC_FORMAT_MACROS -D__STDC_LIMIT_MACROS"
  CLANG_LIBS="-L$LLVM_LIBDIR -Wl,-rpath,$LLVM_LIBDIR -lclang-cpp `$LLVM_CONFIG --libs --link-shared`"
  CLANG_RESOURCE_DIR="$LLVM_LIBDIR/clang/$LLVM_VERSION"
  AS_IF([test -d "$CLANG_RESOURCE_DIR/include"], [],
    [CLANG_RESOURCE_DIR=`ls -d $LLVM_LIBDIR/clang/* 2>/dev/null | head -n 1`])
  AC_LANG_PUSH([C++])
  save_CPPFLAGS=$CPPFLAGS; CPPFLAGS="$CPPFLAGS $CLANG_CPPFLAGS"
  AC_CHECK_HEADER([clang/CodeGen/CodeGenAction.h], [],
    [AC_MSG_ERROR([clang's C++ headers were not found: install the Debian package libclang-$LLVM_MAJOR-dev])])
  CPPFLAGS=$save_CPPFLAGS
  AC_LANG_POP([C++])
  AS_IF([test -e "$LLVM_LIBDIR/libclang-cpp.so"], [],
    [AC_MSG_ERROR([$LLVM_LIBDIR/libclang-cpp.so was not found: install the Debian package libclang-cpp$LLVM_MAJOR-dev])])
  AC_SUBST([CLANG_CPPFLAGS])
  AC_SUBST([CLANG_LIBS])
  AC_SUBST([LLVM_VERSION])
  AC_DEFINE_UNQUOTED([TCPTOP_LLVM_VERSION], ["$LLVM_VERSION"], [LLVM/clang version that compiles probes])
  AC_DEFINE_UNQUOTED([TCPTOP_CLANG_RESOURCE_DIR], ["$CLANG_RESOURCE_DIR"], [clang resource directory (builtin headers)])
])
