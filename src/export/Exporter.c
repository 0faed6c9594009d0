/*
 * Exporter.c: the listening socket and the HTTP server of /metrics.
 */
#include "config.h"
#include "export/Exporter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config/NetSpec.h"
#include "core/XUtils.h"

#define EXPORTER_REQUEST_MAX 8192
#define EXPORTER_TIMEOUT 10.0     /* seconds a scraper has to send its request and take the answer */
#define EXPORTER_LISTEN_ID UINT32_MAX

static double Exporter_now(void) {
   struct timespec ts;
   clock_gettime(CLOCK_MONOTONIC, &ts);
   return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char* Exporter_where(const NetListen* l) {
   char host[INET6_ADDRSTRLEN] = "?";
   if (l->addr.ss_family == AF_INET6) {
      const struct sockaddr_in6* a = (const struct sockaddr_in6*)&l->addr;
      inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
      return xAsprintf("[%s]:%u", host, ntohs(a->sin6_port));
   }
   const struct sockaddr_in* a = (const struct sockaddr_in*)&l->addr;
   inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
   return xAsprintf("%s:%u", host, ntohs(a->sin_port));
}

/* The bound, listening socket; -1 with *err. */
static int Exporter_listen(const NetListen* l, const char* where, char** err) {
   int fd = socket(l->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
   int one = 1;
   if (fd >= 0) {
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
      if (l->addr.ss_family == AF_INET6)
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
   }
   if (fd < 0 || bind(fd, (const struct sockaddr*)&l->addr, l->len) < 0 || listen(fd, 64) < 0) {
      int e = errno;
      *err = xAsprintf("cannot listen on %s for --listen: %s%s", where, strerror(e),
                       e == EADDRINUSE ? ": another program has that port; choose another one"
                       : e == EADDRNOTAVAIL ? ": no interface has that address" : "");
      if (fd >= 0)
         close(fd);
      return -1;
   }
   return fd;
}

static void Exporter_watch(Exporter* this, int op, int fd, uint32_t events, uint32_t id) {
   struct epoll_event ev = { .events = events, .data.u32 = id };
   epoll_ctl(this->epollFd, op, fd, &ev);
}

Exporter* Exporter_open(const Settings* settings, char** err) {
   NetListen l;
   char* why = NULL;
   if (NetSpec_parseListen(settings->listen, &l, &why) < 0) {
      *err = xAsprintf("invalid value '%s' for --listen: %s", settings->listen, why);
      free(why);
      return NULL;
   }
   Exporter* this = xCalloc(1, sizeof(*this));
   this->listenFd = this->epollFd = -1;
   for (int i = 0; i < EXPORTER_CLIENTS; i++)
      this->clients[i].fd = -1;
   this->where = Exporter_where(&l);
   if (Metrics_init(&this->metrics, settings, err) < 0 ||
       (this->listenFd = Exporter_listen(&l, this->where, err)) < 0) {
      Exporter_close(this);
      return NULL;
   }
   this->epollFd = epoll_create1(EPOLL_CLOEXEC);
   if (this->epollFd < 0) {
      *err = xAsprintf("cannot listen on %s for --listen: epoll: %s", this->where, strerror(errno));
      Exporter_close(this);
      return NULL;
   }
   Exporter_watch(this, EPOLL_CTL_ADD, this->listenFd, EPOLLIN, EXPORTER_LISTEN_ID);
   return this;
}

static void Exporter_drop(Exporter* this, ExporterClient* c) {
   if (c->fd < 0)
      return;
   epoll_ctl(this->epollFd, EPOLL_CTL_DEL, c->fd, NULL);
   close(c->fd);
   c->fd = -1;
   Buf_done(&c->in);
   Buf_done(&c->out);
   c->sent = 0;
}

void Exporter_close(Exporter* this) {
   if (!this)
      return;
   for (int i = 0; i < EXPORTER_CLIENTS; i++)
      Exporter_drop(this, &this->clients[i]);
   if (this->listenFd >= 0)
      close(this->listenFd);
   if (this->epollFd >= 0)
      close(this->epollFd);
   Metrics_done(&this->metrics);
   free(this->where);
   free(this);
}

/* A new scraper: into a free slot, or closed at once when all are busy. */
static void Exporter_accept(Exporter* this) {
   for (;;) {
      int fd = accept4(this->listenFd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0)
         return;   /* EAGAIN: all taken; anything else: the scraper gave up */
      ExporterClient* c = NULL;
      for (int i = 0; i < EXPORTER_CLIENTS && !c; i++)
         c = this->clients[i].fd < 0 ? &this->clients[i] : NULL;
      if (!c) {
         close(fd);
         continue;
      }
      *c = (ExporterClient){ .fd = fd, .since = Exporter_now() };
      Buf_init(&c->in);
      Buf_init(&c->out);
      Exporter_watch(this, EPOLL_CTL_ADD, fd, EPOLLIN, (uint32_t)(c - this->clients));
   }
}

/* The value of a header in a request's head (NUL-terminated), or NULL. */
static const char* Exporter_header(const char* head, const char* name, size_t* len) {
   size_t n = strlen(name);
   for (const char* line = strstr(head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
      const char* p = line + 2;
      if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
         p += n + 1;
         p += strspn(p, " \t");
         *len = strcspn(p, "\r\n");
         return p;
      }
   }
   return NULL;
}

/* Whether the scraper's Accept names OpenMetrics (Prometheus asks for it first). */
static bool Exporter_wantsOpenMetrics(const char* head) {
   size_t len = 0;
   const char* accept = Exporter_header(head, "Accept", &len);
   char* value = accept ? xStrndup(accept, len) : NULL;
   bool om = value && strstr(value, "application/openmetrics-text");
   free(value);
   return om;
}

static void Exporter_answer(ExporterClient* c, const char* status, const char* type, const Buf* body) {
   c->out.len = 0;
   Buf_printf(&c->out, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
              status, type, body->len, strncmp(status, "405", 3) == 0 ? "Allow: GET\r\n" : "");
   Buf_append(&c->out, body->data, body->len);
}

/* The answer to a whole request head. */
static void Exporter_respond(Exporter* this, ExporterClient* c, const char* head) {
   char method[16] = "", target[256] = "";
   Buf body;
   Buf_init(&body);
   bool parsed = sscanf(head, "%15s %255s HTTP/1.", method, target) == 2;
   size_t pathLen = strcspn(target, "?");
   if (!parsed) {
      Buf_appendStr(&body, "bad request\n");
      Exporter_answer(c, "400 Bad Request", "text/plain; charset=utf-8", &body);
   } else if (pathLen != 8 || strncmp(target, "/metrics", 8) != 0) {
      Buf_appendStr(&body, "not found: tcptop serves /metrics\n");
      Exporter_answer(c, "404 Not Found", "text/plain; charset=utf-8", &body);
   } else if (strcmp(method, "GET") != 0) {
      Buf_appendStr(&body, "method not allowed: GET /metrics\n");
      Exporter_answer(c, "405 Method Not Allowed", "text/plain; charset=utf-8", &body);
   } else {
      bool om = Exporter_wantsOpenMetrics(head);
      Metrics_render(&this->metrics, &body, om);
      Exporter_answer(c, "200 OK", om ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                                      : "text/plain; version=0.0.4; charset=utf-8", &body);
   }
   Buf_done(&body);
}

/* Writes what the socket takes; the client is dropped once all is sent. */
static void Exporter_send(Exporter* this, ExporterClient* c) {
   while (c->sent < c->out.len) {
      ssize_t w = send(c->fd, c->out.data + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR)
         continue;
      if (w < 0 && errno == EAGAIN) {
         Exporter_watch(this, EPOLL_CTL_MOD, c->fd, EPOLLOUT, (uint32_t)(c - this->clients));
         return;
      }
      if (w <= 0)
         break;
      c->sent += (size_t)w;
   }
   shutdown(c->fd, SHUT_WR);
   Exporter_drop(this, c);
}

/* Reads the request; answers once its head is whole (a bigger one: 431). */
static void Exporter_read(Exporter* this, ExporterClient* c) {
   char buf[2048];
   ssize_t n;
   while ((n = recv(c->fd, buf, sizeof(buf), 0)) > 0 && c->in.len + (size_t)n <= EXPORTER_REQUEST_MAX)
      Buf_append(&c->in, buf, (size_t)n);
   if (n > 0) {
      Buf body;
      Buf_init(&body);
      Buf_appendStr(&body, "request header too large\n");
      Exporter_answer(c, "431 Request Header Fields Too Large", "text/plain; charset=utf-8", &body);
      Buf_done(&body);
   } else if (!strstr(Buf_cstr(&c->in), "\r\n\r\n")) {
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
         Exporter_drop(this, c);   /* gone before a whole request */
      return;
   } else {
      Exporter_respond(this, c, c->in.data);
   }
   Exporter_send(this, c);
}

/* Scrapers too slow to ask or to take the answer lose their slot. */
static void Exporter_expire(Exporter* this) {
   double now = Exporter_now();
   for (int i = 0; i < EXPORTER_CLIENTS; i++) {
      if (this->clients[i].fd >= 0 && now - this->clients[i].since > EXPORTER_TIMEOUT)
         Exporter_drop(this, &this->clients[i]);
   }
}

/* The epoll descriptor polled readable: every socket that is ready. */
static void Exporter_ready(void* ctx) {
   Exporter* this = ctx;
   struct epoll_event ev[EXPORTER_CLIENTS + 1];
   int n = epoll_wait(this->epollFd, ev, EXPORTER_CLIENTS + 1, 0);
   for (int i = 0; i < n; i++) {
      uint32_t id = ev[i].data.u32;
      if (id == EXPORTER_LISTEN_ID)
         Exporter_accept(this);
      else if (id < EXPORTER_CLIENTS && this->clients[id].fd >= 0 && this->clients[id].out.len)
         Exporter_send(this, &this->clients[id]);
      else if (id < EXPORTER_CLIENTS && this->clients[id].fd >= 0)
         Exporter_read(this, &this->clients[id]);
   }
   Exporter_expire(this);
}

static void Exporter_sampled(void* ctx, const Monitor* m) {
   Exporter* this = ctx;
   Metrics_sample(&this->metrics, m->rows, m->nRows, m->summary.lost, m->backend);
   Exporter_expire(this);
}

void Exporter_attach(Exporter* this, Monitor* monitor) {
   monitor->hook = (MonitorHook){ .fd = this->epollFd, .ready = Exporter_ready, .sampled = Exporter_sampled, .ctx = this };
}
