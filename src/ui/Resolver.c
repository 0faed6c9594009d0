/*
 * Resolver.c: a cache of addresses (open addressing, emptied when full) and
 * a queue of lookups, both under one mutex; one worker thread.
 */
#include "config.h"
#include "ui/Resolver.h"

#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/XUtils.h"

#define RESOLVER_SLOTS 4096         /* power of two */
#define RESOLVER_MAX_USED 3072
#define RESOLVER_QUEUE 256

typedef enum ResolverState_ { RESOLVER_EMPTY, RESOLVER_PENDING, RESOLVER_DONE, RESOLVER_FAILED } ResolverState;

typedef struct ResolverEntry_ {
   uint8_t addr[16];
   int family;
   ResolverState state;
   char name[NI_MAXHOST];
} ResolverEntry;

struct Resolver_ {
   pthread_mutex_t lock;
   pthread_cond_t wake;
   pthread_t thread;
   bool stop;
   ResolverEntry* slots;
   int used;
   int queue[RESOLVER_QUEUE];      /* slot indexes, a ring */
   int qHead, qLen;
};

static size_t Resolver_hash(int family, const uint8_t* addr) {
   uint64_t h = 1469598103934665603ull ^ (uint64_t)family;
   for (int i = 0; i < 16; i++)
      h = (h ^ addr[i]) * 1099511628211ull;
   return (size_t)(h ^ (h >> 31));
}

/* The slot of (family, addr): its entry or the empty slot it would take. */
static size_t Resolver_slot(const Resolver* this, int family, const uint8_t* addr) {
   size_t i = Resolver_hash(family, addr) & (RESOLVER_SLOTS - 1);
   while (this->slots[i].state != RESOLVER_EMPTY &&
          !(this->slots[i].family == family && memcmp(this->slots[i].addr, addr, 16) == 0))
      i = (i + 1) & (RESOLVER_SLOTS - 1);
   return i;
}

static void Resolver_lookup(const ResolverEntry* e, char* out, size_t size, bool* ok) {
   struct sockaddr_storage ss;
   memset(&ss, 0, sizeof(ss));
   socklen_t len;
   if (e->family == AF_INET6) {
      struct sockaddr_in6* s6 = (struct sockaddr_in6*)&ss;
      s6->sin6_family = AF_INET6;
      memcpy(&s6->sin6_addr, e->addr, 16);
      len = sizeof(*s6);
   } else {
      struct sockaddr_in* s4 = (struct sockaddr_in*)&ss;
      s4->sin_family = AF_INET;
      memcpy(&s4->sin_addr, e->addr, 4);
      len = sizeof(*s4);
   }
   *ok = getnameinfo((struct sockaddr*)&ss, len, out, (socklen_t)size, NULL, 0, NI_NAMEREQD) == 0;
}

static void Resolver_destroy(Resolver* this) {
   pthread_mutex_destroy(&this->lock);
   pthread_cond_destroy(&this->wake);
   free(this->slots);
   free(this);
}

/* Resolves one queued entry (the lock held on entry and on return). */
static void Resolver_work(Resolver* this) {
   int slot = this->queue[this->qHead];
   this->qHead = (this->qHead + 1) % RESOLVER_QUEUE;
   this->qLen--;
   ResolverEntry e = this->slots[slot];
   pthread_mutex_unlock(&this->lock);
   char name[NI_MAXHOST];
   bool ok;
   Resolver_lookup(&e, name, sizeof(name), &ok);
   pthread_mutex_lock(&this->lock);
   ResolverEntry* now = &this->slots[slot];
   if (now->state != RESOLVER_PENDING || now->family != e.family || memcmp(now->addr, e.addr, 16) != 0)
      return;   /* the cache was emptied meanwhile */
   now->state = ok ? RESOLVER_DONE : RESOLVER_FAILED;
   if (ok)
      snprintf(now->name, sizeof(now->name), "%s", name);
}

static void* Resolver_thread(void* arg) {
   Resolver* this = arg;
   pthread_mutex_lock(&this->lock);
   while (!this->stop) {
      if (this->qLen == 0)
         pthread_cond_wait(&this->wake, &this->lock);
      else
         Resolver_work(this);
   }
   pthread_mutex_unlock(&this->lock);
   Resolver_destroy(this);
   return NULL;
}

Resolver* Resolver_new(void) {
   Resolver* this = xCalloc(1, sizeof(*this));
   this->slots = xCalloc(RESOLVER_SLOTS, sizeof(ResolverEntry));
   pthread_mutex_init(&this->lock, NULL);
   pthread_cond_init(&this->wake, NULL);
   sigset_t all, old;
   sigfillset(&all);
   /* signals stay with the main thread; but a blocked SIGSYS from the seccomp
    * filter would kill without its handler's message (core/Sandbox.h) */
   sigdelset(&all, SIGSYS);
   pthread_sigmask(SIG_SETMASK, &all, &old);
   int err = pthread_create(&this->thread, NULL, Resolver_thread, this);
   pthread_sigmask(SIG_SETMASK, &old, NULL);
   if (err) {
      Resolver_destroy(this);
      return NULL;
   }
   pthread_detach(this->thread);
   return this;
}

void Resolver_free(Resolver* this) {
   if (!this)
      return;
   pthread_mutex_lock(&this->lock);
   this->stop = true;
   pthread_cond_signal(&this->wake);
   pthread_mutex_unlock(&this->lock);   /* the thread frees it */
}

/* Queues a new entry; the lock is held. */
static void Resolver_enqueue(Resolver* this, int family, const uint8_t* addr) {
   if (this->used >= RESOLVER_MAX_USED) {
      memset(this->slots, 0, RESOLVER_SLOTS * sizeof(ResolverEntry));
      this->used = 0;
      this->qLen = 0;
   }
   if (this->qLen == RESOLVER_QUEUE)
      return;   /* asked again at the next redraw */
   size_t i = Resolver_slot(this, family, addr);
   ResolverEntry* e = &this->slots[i];
   memcpy(e->addr, addr, 16);
   e->family = family;
   e->state = RESOLVER_PENDING;
   this->used++;
   this->queue[(this->qHead + this->qLen++) % RESOLVER_QUEUE] = (int)i;
   pthread_cond_signal(&this->wake);
}

bool Resolver_name(Resolver* this, int family, const uint8_t* addr, char* out, size_t size) {
   uint8_t key[16] = { 0 };
   memcpy(key, addr, family == AF_INET6 ? 16 : 4);
   pthread_mutex_lock(&this->lock);
   size_t i = Resolver_slot(this, family, key);
   ResolverEntry* e = &this->slots[i];
   bool known = e->state == RESOLVER_DONE;
   if (known)
      snprintf(out, size, "%s", e->name);
   else if (e->state == RESOLVER_EMPTY)
      Resolver_enqueue(this, family, key);
   pthread_mutex_unlock(&this->lock);
   return known;
}
