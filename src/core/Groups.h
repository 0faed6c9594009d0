/*
 * Groups.h: connections folded into group rows by a key: the process (PID
 * and command), the command, the remote address, the service port (the
 * local port of an accepted connection, the remote port of one made), the
 * cgroup or the network namespace.
 *
 * A group row is a Conn (isGroup), so the columns, sorting, filters
 * and outputs work on it as on a connection: the key's fields are the
 * members', connections counts every connection folded in, bytes, packets
 * and rates are summed, retrans is the worst, rttMinUs..rttUs the range.
 * A closed connection's totals stay in its group after its row is gone: a
 * group's bytes and count never go down while it exists, until it has had
 * no row for GROUPS_LINGER seconds.
 */
#ifndef TCPTOP_GROUPS_H
#define TCPTOP_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/Column.h"
#include "core/Conn.h"

#define GROUPS_LINGER 60.0

typedef enum GroupKey_ {
   GROUP_NONE = 0, GROUP_PROCESS, GROUP_COMMAND, GROUP_REMOTE, GROUP_PORT, GROUP_CGROUP, GROUP_NETNS,
   GROUP_KEY_COUNT
} GroupKey;

/* "none", "process", ... by GroupKey, NULL-terminated (Settings' choices). */
extern const char* const Groups_keyNames[];

typedef struct Group_ Group;

typedef struct Groups_ {
   GroupKey key;
   /* the monotonic time of the last fold, < 0 before the first of a key:
    * a closed row is retired into its group's totals by the first fold
    * after it closed (Conn.closedAt later than this), or by the first of
    * a key */
   double folded;
   Group** slots;       /* open addressing by the key's hash */
   size_t cap, count;
   uint64_t made;       /* groups made, for their rows' keys */
   Conn** rows;         /* the last fold's group rows (owned by the groups) */
   size_t nRows;
} Groups;

void Groups_init(Groups* this, GroupKey key);
void Groups_done(Groups* this);
/* Another key: the groups start again. */
void Groups_setKey(Groups* this, GroupKey key);
/* Folds a sample's rows (at monotonic time now) into rows/nRows. */
void Groups_fold(Groups* this, Conn* const* rows, size_t n, double now);
/* Does connection c belong to the group of row g (same key)? */
bool Groups_member(GroupKey key, const Conn* g, const Conn* c);
/* The key's columns (1 or 2); their ids into ids. */
int Groups_keyColumns(GroupKey key, int ids[2]);
/* The batch columns: the key's, connections, then the summed ones. */
void Groups_columns(GroupKey key, ColumnList* out);

#endif
