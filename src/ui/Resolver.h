/*
 * Resolver.h: reverse DNS for the screen. Names are looked up by one
 * background thread (getnameinfo with NI_NAMEREQD) and remembered; asking
 * never blocks: the answer is "not yet" until the thread has one.
 */
#ifndef TCPTOP_RESOLVER_H
#define TCPTOP_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Resolver_ Resolver;

/* Starts the thread; NULL when it cannot (names then stay numeric). */
Resolver* Resolver_new(void);
/* Stops the thread; one blocked in a lookup frees everything when it returns. */
void Resolver_free(Resolver* this);

/*
 * The host name of addr (4 or 16 bytes by family) into out: true when known.
 * False while it is being looked up (queued on the first call) or when the
 * address has no name.
 */
bool Resolver_name(Resolver* this, int family, const uint8_t* addr, char* out, size_t size);

#endif
