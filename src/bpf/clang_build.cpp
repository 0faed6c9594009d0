/*
 * clang_build.cpp: compile a probe's C source to a BPF ELF object, entirely in
 * memory, with clang's frontend embedded in the process.
 *
 * This is the only C++ file of tcptop and the only place that knows LLVM
 * versions: every LLVM-version #if belongs here.
 *
 * Headers (vmlinux.h, libbpf's helper headers, tcptop's probe API) are served
 * from an in-memory file system laid over the real one; the object is emitted
 * by EmitObjAction into a memory buffer. No external clang, no temp files.
 */
#include "bpf/ClangBuild.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Basic/FileManager.h>
#include <clang/Basic/Version.h>
#include <clang/CodeGen/CodeGenAction.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/CompilerInvocation.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <llvm/ADT/IntrusiveRefCntPtr.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <llvm/Support/raw_ostream.h>

#if LLVM_VERSION_MAJOR < 13
#error "tcptop needs LLVM 13 or newer"
#endif

/* The probes are built for the CPU tcptop runs on: libbpf's bpf_tracing.h
 * reads kprobe arguments from pt_regs by __TARGET_ARCH_*, and tcptop.bpf.h
 * orders its stores by it. ("-triple bpf" is already the host's byte
 * order: bpfel or bpfeb.) */
#if defined(__x86_64__)
#define CLANGBUILD_TARGET_ARCH "-D__TARGET_ARCH_x86"
#elif defined(__aarch64__)
#define CLANGBUILD_TARGET_ARCH "-D__TARGET_ARCH_arm64"
#elif defined(__s390x__)
#define CLANGBUILD_TARGET_ARCH "-D__TARGET_ARCH_s390"
#elif defined(__powerpc64__)
#define CLANGBUILD_TARGET_ARCH "-D__TARGET_ARCH_powerpc"
#elif defined(__riscv) && __riscv_xlen == 64
#define CLANGBUILD_TARGET_ARCH "-D__TARGET_ARCH_riscv"
#elif defined(__loongarch64)
#define CLANGBUILD_TARGET_ARCH "-D__TARGET_ARCH_loongarch"
#elif defined(__arm__)
#define CLANGBUILD_TARGET_ARCH "-D__TARGET_ARCH_arm"
#elif defined(__mips__)
#define CLANGBUILD_TARGET_ARCH "-D__TARGET_ARCH_mips"
#else
#error "tcptop does not know this CPU's __TARGET_ARCH_ name for libbpf's bpf_tracing.h"
#endif

namespace {

char* dupString(const std::string& s) {
   char* p = static_cast<char*>(std::malloc(s.size() + 1));
   if (p)
      std::memcpy(p, s.c_str(), s.size() + 1);
   return p;
}

void initTargetsOnce() {
   static bool done = false;
   if (done)
      return;
   LLVMInitializeBPFTargetInfo();
   LLVMInitializeBPFTarget();
   LLVMInitializeBPFTargetMC();
   LLVMInitializeBPFAsmPrinter();
   done = true;
}

llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> makeFileSystem(const ClangBuild_Input* in) {
   llvm::IntrusiveRefCntPtr<llvm::vfs::InMemoryFileSystem> mem(new llvm::vfs::InMemoryFileSystem());
   for (size_t i = 0; i < in->nFiles; i++) {
      const ClangBuild_File& f = in->files[i];
      mem->addFile(f.path, 0, llvm::MemoryBuffer::getMemBuffer(llvm::StringRef(f.data, f.len), f.path, false));
   }
   mem->addFile(in->sourcePath, 0,
                llvm::MemoryBuffer::getMemBuffer(llvm::StringRef(in->source, in->sourceLen), in->sourcePath, false));
   llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> overlay(
      new llvm::vfs::OverlayFileSystem(llvm::vfs::getRealFileSystem()));
   overlay->pushOverlay(mem);
   return overlay;
}

std::vector<const char*> makeArgs(const ClangBuild_Input* in) {
   /* The cc1 equivalent of: clang -target bpf -O2 -g -c (clang -### shows it). */
   std::vector<const char*> args = {
      "-triple", "bpf", "-target-cpu", CLANGBUILD_TARGET_CPU, "-emit-obj", "-O2",
      "-debug-info-kind=constructor", "-dwarf-version=4",
      "-mrelocation-model", "static", "-mframe-pointer=all",
      "-fgnuc-version=4.2.1", "-ferror-limit", "19",
      "-vectorize-loops", "-vectorize-slp", "-disable-free", "-discard-value-names",
      "-fmessage-length=0",
      "-Wno-unknown-attributes", "-Wno-compare-distinct-pointer-types",
      "-Wno-address-of-packed-member", "-Wno-gnu-variable-sized-type-not-at-end",
      "-D__BPF_TRACING__", CLANGBUILD_TARGET_ARCH,
   };
   if (in->resourceDir && *in->resourceDir) {
      args.push_back("-resource-dir");
      args.push_back(in->resourceDir);
   }
   for (size_t i = 0; i < in->nArgs; i++)
      args.push_back(in->args[i]);
   args.push_back("-x");
   args.push_back("c");
   args.push_back(in->sourcePath);
   return args;
}

} // namespace

extern "C" int ClangBuild_abi(void) {
   return CLANGBUILD_ABI;
}

extern "C" const char* ClangBuild_version(void) {
   static std::string v = clang::getClangFullVersion();
   return v.c_str();
}

extern "C" int ClangBuild_compile(const ClangBuild_Input* in, ClangBuild_Output* out) {
   std::memset(out, 0, sizeof(*out));
   initTargetsOnce();

   std::string diagText;
   llvm::raw_string_ostream diagStream(diagText);
   llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> diagOpts(new clang::DiagnosticOptions());
   diagOpts->ShowColors = false;
   diagOpts->MessageLength = 0;
   auto* printer = new clang::TextDiagnosticPrinter(diagStream, diagOpts.get());

   clang::CompilerInstance ci;
   ci.createDiagnostics(printer, /*ShouldOwnClient=*/true);
   ci.setVerboseOutputStream(std::make_unique<llvm::raw_null_ostream>());   /* no "N errors generated." */

   std::vector<const char*> args = makeArgs(in);
   auto invocation = std::make_shared<clang::CompilerInvocation>();
   if (!clang::CompilerInvocation::CreateFromArgs(*invocation, args, ci.getDiagnostics())) {
      diagStream.flush();
      out->diagnostics = dupString(diagText.empty() ? "invalid compiler arguments" : diagText);
      out->errors = 1;
      return -1;
   }
   ci.setInvocation(invocation);
   ci.getFrontendOpts().DisableFree = false;

   ci.createFileManager(makeFileSystem(in));
   ci.createSourceManager(ci.getFileManager());

   llvm::SmallVector<char, 0> objBuf;
   ci.setOutputStream(std::make_unique<llvm::raw_svector_ostream>(objBuf));

   llvm::LLVMContext ctx;
   clang::EmitObjAction action(&ctx);
   bool ok = ci.ExecuteAction(action);

   diagStream.flush();
   out->errors = (int) ci.getDiagnostics().getClient()->getNumErrors();
   if (!diagText.empty())
      out->diagnostics = dupString(diagText);
   if (!ok || out->errors > 0 || objBuf.empty())
      return -1;

   out->object = static_cast<char*>(std::malloc(objBuf.size()));
   if (!out->object)
      return -1;
   std::memcpy(out->object, objBuf.data(), objBuf.size());
   out->objectLen = objBuf.size();
   return 0;
}
