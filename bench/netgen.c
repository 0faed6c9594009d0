/*
 * netgen.c: loopback traffic for the benchmarks (bench/probe_cost.sh,
 * bench/conns.sh, bench/churn.sh). Plain C and pthreads, IPv4 only; the
 * scripts compile it into their scratch directory:
 *
 *     gcc -O2 -pthread -o netgen bench/netgen.c
 *
 * Every mode runs both ends itself (the server side in a thread; for hold,
 * in a child process), on ADDR:PORT, and prints one line of results on
 * stdout:
 *
 *   netgen bulk ADDR PORT BYTES [WRITE_SIZE]
 *       one TCP connection, BYTES written in WRITE_SIZE writes (default 1 MiB)
 *       and read with the same buffer size.
 *       -> "bulk BYTES SECONDS"
 *   [NETGEN_CPUS="C S"] netgen pingpong ADDR PORT COUNT SIZE
 *       (NETGEN_CPUS: the client thread on CPU C, the server thread on S)
 *       one TCP connection (TCP_NODELAY both ends), COUNT round trips of a
 *       SIZE-byte message echoed by the server.
 *       -> "pingpong COUNT SECONDS"
 *   netgen udp ADDR PORT COUNT SIZE [PEERS]
 *       COUNT SIZE-byte datagrams from unconnected sockets (sendto), read
 *       by the server thread until 200 ms of silence: from one socket, or
 *       in turn from PEERS sockets (the server's one socket then has PEERS
 *       peers, like a DNS or QUIC server's).
 *       -> "udp SENT RECEIVED SECONDS"
 *   netgen hold ADDR PORT N [SECONDS]
 *       opens N connections, the client ends in this process and the server
 *       ends in a child (N sockets each: RLIMIT_NOFILE is raised, the hard
 *       limit too when needed and allowed), prints "ready N", then every
 *       second writes 16 bytes on a tenth of them (a different tenth each
 *       second, alternating directions) and reads them on the other end;
 *       until SIGTERM/SIGINT (or SECONDS, 0 = forever). With SECONDS, the
 *       writes stop a second before the end, so that all of them are read.
 *       The clients bind to source address 127.0.0.1 for their first 50,000
 *       connections, 127.0.0.2 for the next 50,000, and so on
 *       (IP_BIND_ADDRESS_NO_PORT: the port is still picked at connect), so
 *       N is not limited by the ephemeral port range (ADDR on loopback).
 *       -> "hold N CLIENT_BYTES SERVER_BYTES": the bytes each side wrote
 *   netgen churn ADDR PORT RATE COUNT BYTES [PORTFILE]
 *       COUNT short connections: connect, write BYTES, close; RATE per
 *       second (0 = as fast as it goes). The server accepts, reads to EOF
 *       and closes. PORTFILE gets the client port of every connection,
 *       one per line, in order.
 *       -> "churn CONNECTIONS SECONDS RATE_PER_S SERVER_CONNS SERVER_BYTES FAILED"
 *
 * Exit status 0, or 1 with a message on stderr when a socket call fails.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in g_addr;
static volatile sig_atomic_t g_stop;

static void die(const char* what) {
   fprintf(stderr, "netgen: %s: %s\n", what, strerror(errno));
   exit(1);
}

static double now_s(void) {
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_signal(int sig) {
   (void)sig;
   g_stop = 1;
}

static int listener(int type) {
   int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
   if (fd < 0)
      die("socket");
   int one = 1;
   setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
   if (bind(fd, (struct sockaddr*)&g_addr, sizeof(g_addr)) < 0)
      die("bind");
   if (type == SOCK_STREAM && listen(fd, 4096) < 0)
      die("listen");
   return fd;
}

/* A connected TCP socket to g_addr; from source address src (host order)
 * when it is not 0, its port still picked at connect. */
static int connect_tcp_from(int nodelay, uint32_t src) {
   int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
   if (fd < 0)
      die("socket");
   if (nodelay) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
   }
   if (src != 0) {
      int one = 1;
      struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(src) };
      if (setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one)) < 0)
         die("setsockopt(IP_BIND_ADDRESS_NO_PORT)");
      if (bind(fd, (struct sockaddr*)&sa, sizeof(sa)) < 0)
         die("bind (source address)");
   }
   if (connect(fd, (struct sockaddr*)&g_addr, sizeof(g_addr)) < 0)
      die("connect");
   return fd;
}

static int connect_tcp(int nodelay) {
   return connect_tcp_from(nodelay, 0);
}

static void write_all(int fd, const char* buf, size_t len) {
   while (len > 0) {
      ssize_t n = write(fd, buf, len);
      if (n < 0) {
         if (errno == EINTR)
            continue;
         die("write");
      }
      buf += n;
      len -= (size_t)n;
   }
}

/* Reads exactly len bytes; 0 on EOF first. */
static int read_all(int fd, char* buf, size_t len) {
   while (len > 0) {
      ssize_t n = read(fd, buf, len);
      if (n < 0) {
         if (errno == EINTR)
            continue;
         die("read");
      }
      if (n == 0)
         return 0;
      buf += n;
      len -= (size_t)n;
   }
   return 1;
}

/* --- bulk --- */

struct bulk_arg {
   int lfd;
   size_t bufsize;
   uint64_t got;
};

static void* bulk_server(void* p) {
   struct bulk_arg* a = p;
   int fd = accept(a->lfd, NULL, NULL);
   if (fd < 0)
      die("accept");
   char* buf = malloc(a->bufsize);
   ssize_t n;
   while ((n = read(fd, buf, a->bufsize)) > 0)
      a->got += (uint64_t)n;
   close(fd);
   free(buf);
   return NULL;
}

static int mode_bulk(uint64_t bytes, size_t wsize) {
   struct bulk_arg a = { .lfd = listener(SOCK_STREAM), .bufsize = wsize };
   pthread_t t;
   pthread_create(&t, NULL, bulk_server, &a);
   int fd = connect_tcp(0);
   char* buf = malloc(wsize);
   memset(buf, 'x', wsize);
   double t0 = now_s();
   for (uint64_t left = bytes; left > 0;) {
      size_t n = left < wsize ? (size_t)left : wsize;
      write_all(fd, buf, n);
      left -= n;
   }
   close(fd);
   pthread_join(t, NULL);
   printf("bulk %llu %.3f\n", (unsigned long long)a.got, now_s() - t0);
   return 0;
}

/* --- pingpong --- */

struct pp_arg {
   int lfd;
   size_t size;
   int serverCpu;   /* -1: wherever the scheduler puts it */
};

/* NETGEN_CPUS="C S": the client (main thread) on CPU C, the server on S. */
static void pp_cpus(int* client, int* server) {
   const char* e = getenv("NETGEN_CPUS");
   *client = *server = -1;
   if (e && sscanf(e, "%d %d", client, server) != 2)
      die("NETGEN_CPUS wants two CPU numbers: client server");
}

static void pin_thread(int cpu) {
   if (cpu < 0)
      return;
   cpu_set_t set;
   CPU_ZERO(&set);
   CPU_SET(cpu, &set);
   if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
      die("pthread_setaffinity_np");
}

static void* pp_server(void* p) {
   struct pp_arg* a = p;
   pin_thread(a->serverCpu);
   int fd = accept(a->lfd, NULL, NULL);
   if (fd < 0)
      die("accept");
   int one = 1;
   setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
   char* buf = malloc(a->size);
   while (read_all(fd, buf, a->size))
      write_all(fd, buf, a->size);
   close(fd);
   free(buf);
   return NULL;
}

static int mode_pingpong(long count, size_t size) {
   int clientCpu, serverCpu;
   pp_cpus(&clientCpu, &serverCpu);
   pin_thread(clientCpu);
   struct pp_arg a = { .lfd = listener(SOCK_STREAM), .size = size, .serverCpu = serverCpu };
   pthread_t t;
   pthread_create(&t, NULL, pp_server, &a);
   int fd = connect_tcp(1);
   char* buf = calloc(1, size);
   double t0 = now_s();
   for (long i = 0; i < count; i++) {
      write_all(fd, buf, size);
      if (!read_all(fd, buf, size)) {
         fprintf(stderr, "netgen: pingpong: early EOF\n");
         return 1;
      }
   }
   close(fd);
   pthread_join(t, NULL);
   printf("pingpong %ld %.3f\n", count, now_s() - t0);
   return 0;
}

/* --- udp --- */

struct udp_arg {
   int fd;
   long got;
};

static void* udp_server(void* p) {
   struct udp_arg* a = p;
   char buf[65536];
   struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
   setsockopt(a->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
   for (;;) {
      ssize_t n = recvfrom(a->fd, buf, sizeof(buf), 0, NULL, NULL);
      if (n < 0) {
         if (errno == EINTR)
            continue;
         break;   /* 200 ms of silence: the sender is done */
      }
      a->got++;
   }
   return NULL;
}

static int mode_udp(long count, size_t size, int peers) {
   struct udp_arg a = { .fd = listener(SOCK_DGRAM) };
   int big = 8 << 20;
   setsockopt(a.fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
   pthread_t t;
   pthread_create(&t, NULL, udp_server, &a);
   if (peers < 1)
      peers = 1;
   int* fds = calloc((size_t)peers, sizeof(int));
   for (int i = 0; i < peers; i++) {
      fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fds[i] < 0)
         die("socket");
   }
   char* buf = calloc(1, size ? size : 1);
   double t0 = now_s();
   long sent = 0;
   for (long i = 0; i < count; i++) {
      if (sendto(fds[i % peers], buf, size, 0, (struct sockaddr*)&g_addr, sizeof(g_addr)) >= 0)
         sent++;
      else if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
         die("sendto");
   }
   double secs = now_s() - t0;
   pthread_join(t, NULL);
   for (int i = 0; i < peers; i++)
      close(fds[i]);
   free(fds);
   close(a.fd);
   printf("udp %ld %ld %.3f\n", sent, a.got, secs);
   return 0;
}

/* --- hold --- */

/* RLIMIT_NOFILE of at least want: the soft limit is raised up to the hard one
 * (raising the hard one needs CAP_SYS_RESOURCE, which containers often lack;
 * that is why the two ends live in two processes). */
static void raise_nofile(rlim_t want) {
   struct rlimit rl;
   if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
      die("getrlimit(RLIMIT_NOFILE)");
   if (rl.rlim_cur >= want)
      return;
   if (rl.rlim_max < want) {
      rl.rlim_cur = rl.rlim_max = want;
      if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
         die("setrlimit(RLIMIT_NOFILE) above the hard limit");
      return;
   }
   rl.rlim_cur = want;
   if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
      die("setrlimit(RLIMIT_NOFILE)");
}

/* Every second: 16 bytes on a tenth of fds (a different tenth each time; on
 * even seconds from the client side, odd ones from the server side), but not
 * in the last second before end; in between, reads whatever arrives. Until
 * SIGTERM or end (0 = never). Returns the bytes written. */
static uint64_t hold_loop(int* fds, long n, int server, double end) {
   int ep = epoll_create1(EPOLL_CLOEXEC);
   if (ep < 0)
      die("epoll_create1");
   for (long i = 0; i < n; i++) {
      struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)i };
      if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0)
         die("epoll_ctl");
   }
   char msg[16], buf[4096];
   memset(msg, 'h', sizeof(msg));
   struct epoll_event evs[256];
   long slice = n / 10 > 0 ? n / 10 : 1, pos = 0, tick = 0;
   double next = now_s();
   uint64_t written = 0;
   while (!g_stop && (end == 0 || now_s() < end)) {
      double now = now_s();
      if (now >= next) {
         if ((tick & 1) == server && (end == 0 || now < end - 1.0)) {
            for (long k = 0; k < slice; k++)
               write_all(fds[(pos + k) % n], msg, sizeof(msg));
            written += (uint64_t)slice * sizeof(msg);
         }
         pos = (pos + slice) % n;
         tick++;
         next += 1.0;
         continue;
      }
      int got = epoll_wait(ep, evs, 256, (int)((next - now) * 1000) + 1);
      for (int e = 0; e < got; e++) {
         int fd = fds[evs[e].data.u64];
         while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
            ;
      }
   }
   close(ep);
   return written;
}

static int mode_hold(long n, double seconds) {
   raise_nofile((rlim_t)(n + 64));
   int lfd = listener(SOCK_STREAM);
   int sync[2];
   if (pipe2(sync, O_CLOEXEC) < 0)
      die("pipe");
   double end = seconds > 0 ? now_s() + seconds : 0;
   pid_t child = fork();
   if (child < 0)
      die("fork");
   int* fds = calloc((size_t)n, sizeof(int));
   if (child == 0) {
      /* the server ends */
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      close(sync[0]);
      for (long i = 0; i < n; i++) {
         fds[i] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
         if (fds[i] < 0)
            die("accept");
      }
      close(lfd);
      if (write(sync[1], "a", 1) != 1)
         die("write(sync)");
      /* then, over the same pipe, the bytes this side wrote */
      uint64_t written = hold_loop(fds, n, 1, end);
      if (write(sync[1], &written, sizeof(written)) != sizeof(written))
         die("write(sync)");
      _exit(0);
   }
   /* the client ends: source addresses 127.0.0.1, .2, ... on loopback */
   close(lfd);
   close(sync[1]);
   int loopback = (ntohl(g_addr.sin_addr.s_addr) >> 24) == 127;
   for (long i = 0; i < n; i++)
      fds[i] = connect_tcp_from(1, loopback ? 0x7f000001u + (uint32_t)(i / 50000) : 0);
   char c;
   if (read(sync[0], &c, 1) != 1) {
      fprintf(stderr, "netgen: hold: the server side failed\n");
      kill(child, SIGTERM);
      return 1;
   }
   printf("ready %ld\n", n);
   fflush(stdout);
   uint64_t written = hold_loop(fds, n, 0, end), server_written = 0;
   kill(child, SIGTERM);
   waitpid(child, NULL, 0);
   if (read(sync[0], &server_written, sizeof(server_written)) != sizeof(server_written)) {
      fprintf(stderr, "netgen: hold: the server side failed\n");
      return 1;
   }
   close(sync[0]);
   for (long i = 0; i < n; i++)
      close(fds[i]);
   printf("hold %ld %llu %llu\n", n, (unsigned long long)written, (unsigned long long)server_written);
   return 0;
}

/* --- churn --- */

struct churn_arg {
   int lfd;
   long conns;
   uint64_t bytes;
};

static void* churn_server(void* p) {
   struct churn_arg* a = p;
   char buf[65536];
   for (;;) {
      int fd = accept4(a->lfd, NULL, NULL, SOCK_CLOEXEC);
      if (fd < 0) {
         if (errno == EINTR || errno == ECONNABORTED)
            continue;
         break;   /* the listener was shut down: done */
      }
      ssize_t r;
      while ((r = read(fd, buf, sizeof(buf))) > 0)
         a->bytes += (uint64_t)r;
      close(fd);
      a->conns++;
   }
   return NULL;
}

static int mode_churn(double rate, long total, size_t bytes, const char* portfile) {
   struct churn_arg a = { .lfd = listener(SOCK_STREAM) };
   pthread_t t;
   pthread_create(&t, NULL, churn_server, &a);
   size_t cap = total > 0 ? (size_t)total : 1, count = 0;
   uint16_t* ports = malloc(cap * sizeof(uint16_t));
   char* buf = malloc(bytes ? bytes : 1);
   memset(buf, 'c', bytes ? bytes : 1);
   long failed = 0;
   double t0 = now_s();
   for (long i = 0; i < total && !g_stop; i++) {
      if (rate > 0) {
         double now = now_s(), due = t0 + i / rate;
         if (due > now + 0.0005) {
            struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)((due - now) * 1e9) };
            nanosleep(&ts, NULL);
         }
      }
      int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (fd < 0)
         die("socket");
      if (connect(fd, (struct sockaddr*)&g_addr, sizeof(g_addr)) < 0) {
         failed++;
         close(fd);
         continue;
      }
      struct sockaddr_in me;
      socklen_t len = sizeof(me);
      getsockname(fd, (struct sockaddr*)&me, &len);
      if (count == cap) {
         cap *= 2;
         ports = realloc(ports, cap * sizeof(uint16_t));
      }
      ports[count++] = ntohs(me.sin_port);
      if (bytes)
         write_all(fd, buf, bytes);
      close(fd);
   }
   double secs = now_s() - t0;
   /* let the server drain the backlog, then stop it */
   for (int w = 0; w < 500 && a.conns < (long)count; w++)
      usleep(10000);
   shutdown(a.lfd, SHUT_RDWR);
   pthread_join(t, NULL);
   if (portfile) {
      FILE* f = fopen(portfile, "w");
      if (!f)
         die(portfile);
      for (size_t i = 0; i < count; i++)
         fprintf(f, "%u\n", ports[i]);
      fclose(f);
   }
   printf("churn %zu %.3f %.0f %ld %llu %ld\n", count, secs, count / secs, a.conns, (unsigned long long)a.bytes,
          failed);
   return 0;
}

static void usage(void) {
   fprintf(stderr, "usage: netgen bulk|pingpong|udp|hold|churn ADDR PORT ...  (see the comment in netgen.c)\n");
   exit(2);
}

int main(int argc, char** argv) {
   if (argc < 4)
      usage();
   const char* mode = argv[1];
   memset(&g_addr, 0, sizeof(g_addr));
   g_addr.sin_family = AF_INET;
   g_addr.sin_port = htons((uint16_t)atoi(argv[3]));
   if (inet_pton(AF_INET, argv[2], &g_addr.sin_addr) != 1)
      usage();
   /* hold and churn stop cleanly on SIGTERM/SIGINT; the others just die */
   if (!strcmp(mode, "hold") || !strcmp(mode, "churn")) {
      struct sigaction sa = { .sa_handler = on_signal };
      sigemptyset(&sa.sa_mask);
      sigaction(SIGTERM, &sa, NULL);
      sigaction(SIGINT, &sa, NULL);
   }
   signal(SIGPIPE, SIG_IGN);
   setvbuf(stdout, NULL, _IOLBF, 0);

   if (!strcmp(mode, "bulk") && argc >= 5)
      return mode_bulk(strtoull(argv[4], NULL, 10), argc > 5 ? (size_t)atol(argv[5]) : 1 << 20);
   if (!strcmp(mode, "pingpong") && argc == 6)
      return mode_pingpong(atol(argv[4]), (size_t)atol(argv[5]));
   if (!strcmp(mode, "udp") && (argc == 6 || argc == 7))
      return mode_udp(atol(argv[4]), (size_t)atol(argv[5]), argc > 6 ? atoi(argv[6]) : 1);
   if (!strcmp(mode, "hold") && argc >= 5)
      return mode_hold(atol(argv[4]), argc > 5 ? atof(argv[5]) : 0);
   if (!strcmp(mode, "churn") && argc >= 7)
      return mode_churn(atof(argv[4]), atol(argv[5]), (size_t)atol(argv[6]), argc > 7 ? argv[7] : NULL);
   usage();
   return 2;
}
