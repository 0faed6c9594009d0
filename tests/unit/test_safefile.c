/* SafeFile: directories others can write and links others own refused, the
 * file itself never opened through a link, created O_EXCL and given to the
 * invoking user, replaced atomically; LogFile: a log continued only when its
 * header is tcptop's for the same columns. Cases needing another user's
 * files run as root only. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "core/Column.h"
#include "core/LogFile.h"
#include "core/Output.h"
#include "core/SafeFile.h"
#include "core/XUtils.h"
#include "check.h"

static char root[] = "/tmp/tcptop-test-safefile-XXXXXX";

static char* at(const char* name) {
   return xAsprintf("%s/%s", root, name);
}

static void writeText(const char* path, const char* text) {
   FILE* f = fopen(path, "w");
   fputs(text, f);
   fclose(f);
}

static int entriesIn(const char* dir) {
   int n = 0;
   DIR* d = opendir(dir);
   for (struct dirent* e; d && (e = readdir(d));)
      n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
   if (d)
      closedir(d);
   return n;
}

/* SafeFile_openDir on path: the fd closed; 0, or -1 with *why (malloc'd) and *refused. */
static int openDir(const char* path, mode_t mkdirMode, bool* refused, char** why) {
   *why = NULL;
   int fd = SafeFile_openDir(path, mkdirMode, refused, why);
   if (fd >= 0)
      close(fd);
   return fd < 0 ? -1 : 0;
}

/* The walk: sticky and private directories pass, others' writable ones,
 * missing ones (unless made) and non-directories do not. */
static void test_dirs(void) {
   bool refused;
   char* why;
   CHECK(openDir(root, 0, &refused, &why) == 0);
   char* open = at("open");
   mkdir(open, 0700);
   chmod(open, 0777);
   CHECK(openDir(open, 0, &refused, &why) < 0 && refused);
   CHECK_CONTAINS(why, "can be written by other users (mode 0777) and is not sticky");
   free(why);
   chmod(open, 01777);
   CHECK(openDir(open, 0, &refused, &why) == 0);
   char* deep = at("open/a/b/c");
   CHECK(openDir(deep, 0, &refused, &why) < 0 && !refused);
   CHECK_STR(why, strerror(ENOENT));
   free(why);
   CHECK(openDir(deep, 0700, &refused, &why) == 0);
   struct stat st;
   CHECK(stat(deep, &st) == 0 && (st.st_mode & 07777) == 0700);
   char* plain = at("plain");
   writeText(plain, "x");
   char* under = at("plain/sub");
   CHECK(openDir(under, 0700, &refused, &why) < 0 && !refused);
   CHECK_STR(why, strerror(ENOTDIR));
   free(why);
   /* our own links are followed, relative or absolute; a loop is an error */
   char* link = at("open/link");
   CHECK(symlink("a/b", link) == 0);
   char* viaLink = at("open/link/c");
   CHECK(openDir(viaLink, 0, &refused, &why) == 0);
   char* loop = at("loop");
   CHECK(symlink(loop, loop) == 0);
   CHECK(openDir(loop, 0, &refused, &why) < 0 && !refused);
   CHECK_STR(why, strerror(ELOOP));
   free(why);
   free(loop);
   free(viaLink);
   free(link);
   free(under);
   free(plain);
   free(deep);
   free(open);
}

/* Appending: created once (mode 0600), then opened again; a link, a
 * directory and a FIFO are refused without being opened. */
static void test_append(void) {
   char* path = at("log.csv");
   SafeFile sf;
   char* why = NULL;
   bool created = false;
   CHECK(SafeFile_open(&sf, path, 0, &why) == 0);
   int fd = SafeFile_append(&sf, 0600, &created, &why);
   CHECK(fd >= 0 && created);
   struct stat st;
   CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0600);
   CHECK(write(fd, "one\n", 4) == 4);
   close(fd);
   fd = SafeFile_append(&sf, 0600, &created, &why);
   CHECK(fd >= 0 && !created);
   CHECK(write(fd, "two\n", 4) == 4);
   close(fd);
   SafeFile_close(&sf);
   char* text = check_readText(path);
   CHECK_STR(text, "one\ntwo\n");
   free(text);

   const char* bad[] = { "link.csv", "dir.csv", "fifo.csv" };
   const char* wants[] = { "is a symbolic link", "is not a regular file", "is not a regular file" };
   char* target = at("target.csv");
   char* p0 = at(bad[0]);
   char* p1 = at(bad[1]);
   char* p2 = at(bad[2]);
   CHECK(symlink(target, p0) == 0 && mkdir(p1, 0700) == 0 && mkfifo(p2, 0600) == 0);
   for (int i = 0; i < 3; i++) {
      char* p = at(bad[i]);
      CHECK(SafeFile_open(&sf, p, 0, &why) == 0);
      CHECK(SafeFile_append(&sf, 0600, &created, &why) < 0 && sf.refused);
      CHECK_CONTAINS(why, wants[i]);
      free(why);
      why = NULL;
      SafeFile_close(&sf);
      free(p);
   }
   CHECK(access(target, F_OK) < 0);   /* nothing made through the link */
   free(p0);
   free(p1);
   free(p2);
   free(target);
   free(path);
}

/* Reading: a missing file is empty, a link refused; replacing: atomic, the
 * mode set, no temporary left, a link replaced and its target untouched. */
static void test_replace(void) {
   char* dir = at("conf");
   char* path = at("conf/x.conf");
   SafeFile sf;
   char* why = NULL;
   Buf b;
   Buf_init(&b);
   CHECK(SafeFile_open(&sf, path, 0700, &why) == 0);
   CHECK(SafeFile_read(&sf, &b, &why) == 0 && b.len == 0);
   CHECK(SafeFile_replaceAt(sf.dir, sf.name, "a=1\n", 4, 0640, SAFEFILE_SYNC) == 0);
   char* text = check_readText(path);
   CHECK_STR(text, "a=1\n");
   free(text);
   struct stat st;
   CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);
   CHECK(SafeFile_read(&sf, &b, &why) == 0);
   CHECK_STR(Buf_cstr(&b), "a=1\n");
   char* other = at("other.conf");
   writeText(other, "theirs\n");
   unlink(path);
   CHECK(symlink(other, path) == 0);
   CHECK(SafeFile_read(&sf, &b, &why) < 0 && sf.refused);
   CHECK_CONTAINS(why, "is a symbolic link, which tcptop does not follow when writing");
   free(why);
   CHECK(SafeFile_replaceAt(sf.dir, sf.name, "b=2\n", 4, 0600, 0) == 0);
   CHECK(lstat(path, &st) == 0 && S_ISREG(st.st_mode));
   text = check_readText(other);
   CHECK_STR(text, "theirs\n");
   free(text);
   CHECK(entriesIn(dir) == 1);   /* no temporary file left */
   SafeFile_close(&sf);
   Buf_done(&b);
   free(other);
   free(path);
   free(dir);
}

/* As root: another user's file, directory or link is refused; SUDO_UID and
 * SUDO_GID name the user a new file is given to, and whose file stays theirs. */
static void test_otherUsers(void) {
   if (geteuid() != 0) {
      printf("test_safefile: not root, skipped the other users' cases\n");
      return;
   }
   char* theirs = at("theirs.csv");
   writeText(theirs, "x\n");
   CHECK(chown(theirs, 65534, 65534) == 0);
   SafeFile sf;
   char* why = NULL;
   bool created;
   CHECK(SafeFile_open(&sf, theirs, 0, &why) == 0);
   CHECK(SafeFile_append(&sf, 0600, &created, &why) < 0 && sf.refused);
   CHECK_CONTAINS(why, "is owned by uid 65534, not by root or you");
   free(why);
   SafeFile_close(&sf);
   char* dir = at("theirdir");
   CHECK(mkdir(dir, 0755) == 0 && chown(dir, 65534, 65534) == 0);
   char* inDir = at("theirdir/x.csv");
   CHECK(SafeFile_open(&sf, inDir, 0, &why) < 0 && sf.refused);
   CHECK_CONTAINS(why, "the directory ");
   CHECK_CONTAINS(why, "theirdir is owned by uid 65534, not by root or you");
   free(why);
   SafeFile_close(&sf);
   char* link = at("theirlink");
   CHECK(symlink(root, link) == 0 && lchown(link, 65534, 65534) == 0);
   char* viaLink = at("theirlink/x.csv");
   CHECK(SafeFile_open(&sf, viaLink, 0, &why) < 0 && sf.refused);
   CHECK_CONTAINS(why, "theirlink is a symbolic link owned by uid 65534, not by root or you");
   free(why);
   SafeFile_close(&sf);

   setenv("SUDO_UID", "65534", 1);
   setenv("SUDO_GID", "65533", 1);
   SafeFileUser u = SafeFile_invoker();
   CHECK(u.uid == 65534 && u.gid == 65533);
   /* now theirs.csv is the invoking user's: appended to */
   CHECK(SafeFile_open(&sf, theirs, 0, &why) == 0);
   int fd = SafeFile_append(&sf, 0600, &created, &why);
   CHECK(fd >= 0 && !created);
   close(fd);
   CHECK(SafeFile_replaceAt(sf.dir, sf.name, "y\n", 2, 0600, SAFEFILE_KEEP_OWNER) == 0);
   struct stat st;
   CHECK(stat(theirs, &st) == 0 && st.st_uid == 65534 && st.st_gid == 65534);
   SafeFile_close(&sf);
   char* mine = at("given.csv");
   CHECK(SafeFile_open(&sf, mine, 0, &why) == 0);
   fd = SafeFile_append(&sf, 0600, &created, &why);
   CHECK(fd >= 0 && created);
   close(fd);
   CHECK(stat(mine, &st) == 0 && st.st_uid == 65534 && st.st_gid == 65533 && (st.st_mode & 07777) == 0600);
   SafeFile_close(&sf);
   setenv("SUDO_UID", "12x", 1);
   CHECK(SafeFile_invoker().uid == 0);
   unsetenv("SUDO_UID");
   unsetenv("SUDO_GID");
   free(mine);
   free(viaLink);
   free(link);
   free(inDir);
   free(dir);
   free(theirs);
}

/* The header every log starts with, and a probe's metric column after it. */
static char* header(bool metric) {
   ColumnList all;
   ColumnList_all(&all);
   char* h = Output_csvHeader(&all);
   char* line = xAsprintf("%s%s\n", h, metric ? ",sends" : "");
   free(h);
   return line;
}

/* LogFile: new, continued, empty, other columns; the metric columns checked
 * once known. */
static void test_log(void) {
   char* path = at("tcptop.csv");
   LogFile log;
   char* err = NULL;
   CHECK(LogFile_open(&log, path, 0, &err) == 0 && log.file && !log.header);
   LogFile_close(&log);
   CHECK(LogFile_open(&log, "", 0, &err) == 0 && !log.file);   /* no log */
   CHECK(LogFile_open(&log, path, 0, &err) == 0 && !log.header);   /* empty: a new log */
   LogFile_close(&log);
   char* h = header(false);
   writeText(path, h);
   CHECK(LogFile_open(&log, path, 0, &err) == 0 && log.header && LogFile_checkColumns(&log, &err) == 0);
   LogFile_close(&log);
   char* hm = header(true);
   writeText(path, hm);
   CHECK(LogFile_open(&log, path, 0, &err) == 0);   /* a metric column may follow */
   CHECK(LogFile_checkColumns(&log, &err) < 0 && log.refused);   /* none was loaded */
   CHECK_CONTAINS(err, "has other columns (its header differs): choose a new file for --log or move");
   free(err);
   err = NULL;
   CHECK(Column_addMetric("sends", "SENDS", "calls", "sum", 0, "p") >= 0);
   CHECK(LogFile_checkColumns(&log, &err) == 0);
   Column_clearMetrics();
   LogFile_close(&log);
   const char* others[] = { "time,proto\n1,tcp\n", "no newline", "time,proto,laddr,lport,raddr,rport,pidx\n" };
   for (int i = 0; i < 3; i++) {
      writeText(path, others[i]);
      CHECK(LogFile_open(&log, path, 0, &err) < 0 && log.refused && !log.file);
      CHECK_CONTAINS(err, "has other columns");
      free(err);
      err = NULL;
      LogFile_close(&log);
      char* text = check_readText(path);
      CHECK_STR(text, others[i]);
      free(text);
   }
   free(hm);
   free(h);
   free(path);
}

int main(void) {
   if (!mkdtemp(root)) {
      perror("mkdtemp");
      return 99;
   }
   unsetenv("SUDO_UID");
   unsetenv("SUDO_GID");
   test_dirs();
   test_append();
   test_replace();
   test_otherUsers();
   test_log();
   check_rmtree(root);
   return check_done("test_safefile");
}
