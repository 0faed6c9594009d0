/*
 * test_groups.c: cgroup paths made short (CgroupName) and rows folded into
 * groups (Groups): counts, sums, the worst, the range, closed rows' totals
 * kept once their rows are gone, and groups forgotten after GROUPS_LINGER.
 */
#include "config.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include "check.h"
#include "core/CgroupName.h"
#include "core/Column.h"
#include "core/Groups.h"

static void checkShort(const char* path, const char* want) {
   char out[64];
   CgroupName_short(path, out, sizeof(out));
   CHECK_STR(out, want);
}

static void test_cgroupName(void) {
   checkShort("/", "/");
   checkShort("/system.slice/ssh.service", "ssh.service");
   checkShort("/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-4242.scope",
              "app-gnome-firefox-4242.scope");
   checkShort("/user.slice", "user.slice");
   checkShort("/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope",
              "0123456789ab");
   checkShort("/machine.slice/libpod-fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210.scope"
              "/container", "fedcba987654");
   checkShort("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod3f0e4c1a_7b2d_4e5f_9a8b_1c2d3e4f5a6b"
              ".slice/cri-containerd-aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999.scope",
              "aaaabbbbcccc");
   checkShort("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod3f0e4c1a_7b2d_4e5f_9a8b_1c2d3e4f5a6b.slice",
              "3f0e4c1a-7b2d-4e5f-9a8b-1c2d3e4f5a6b");
   checkShort("/kubepods/besteffort/pod3f0e4c1a-7b2d-4e5f-9a8b-1c2d3e4f5a6b", "3f0e4c1a-7b2d-4e5f-9a8b-1c2d3e4f5a6b");
   checkShort("/kubepods/besteffort/pod1234/crio-0011223344556677889900112233445566778899001122334455667788990011",
              "001122334455");
   checkShort("/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "0123456789ab");
   checkShort("/system.slice/docker-short.scope", "docker-short.scope");   /* not a container id */
   checkShort("/tcptop-test-a", "tcptop-test-a");
   checkShort("/system.slice/ssh.service/delegated", "ssh.service");
}

static Conn conn(uint64_t cookie, uint32_t pid, const char* comm, uint64_t tx, uint64_t rx) {
   Conn c;
   memset(&c, 0, sizeof(c));
   c.cookie = cookie;
   c.proto = IPPROTO_TCP;
   c.family = AF_INET;
   c.pid = pid;
   c.hasOwner = true;
   snprintf(c.comm, sizeof(c.comm), "%s", comm);
   c.txBytes = tx;
   c.rxBytes = rx;
   c.txPackets = tx / 1000;
   c.rxPackets = rx / 1000;
   c.state = CONN_ESTABLISHED;
   c.txRate = (double)tx;
   c.rxRate = (double)rx;
   c.cgroupId = pid * 10;
   c.netns = 4026531840u + pid % 2;
   c.lport = (uint16_t)(40000 + cookie);
   c.rport = 443;
   c.raddr4[0] = 10;
   c.raddr4[3] = (uint8_t)pid;
   return c;
}

static const Conn* find(const Groups* g, uint32_t pid, const char* comm) {
   for (size_t i = 0; i < g->nRows; i++) {
      if (g->rows[i]->pid == pid && strcmp(g->rows[i]->comm, comm) == 0)
         return g->rows[i];
   }
   return NULL;
}

static void test_fold(void) {
   Conn c[4] = { conn(1, 100, "curl", 1000, 5000), conn(2, 100, "curl", 2000, 6000), conn(3, 200, "curl", 4000, 0),
                 conn(4, 300, "nginx", 8000, 100) };
   c[0].rttUs = 300;
   c[1].rttUs = 100;
   c[1].retrans = 7;
   c[2].retrans = 3;
   Conn* rows[4] = { &c[0], &c[1], &c[2], &c[3] };
   Groups g;
   Groups_init(&g, GROUP_PROCESS);
   Groups_fold(&g, rows, 4, 10.0);
   CHECK(g.nRows == 3);
   const Conn* p = find(&g, 100, "curl");
   CHECK(p && p->groupConns == 2 && p->txBytes == 3000 && p->rxBytes == 11000 && p->txPackets == 3 &&
         p->retrans == 7 && p->rttMinUs == 100 && p->rttUs == 300 && p->txRate == 3000.0);
   /* a closed row: its totals stay once its row is gone */
   c[0].state = CONN_CLOSED;
   c[0].closedAt = 10.5;   /* between the folds, as a backend closes it */
   c[0].txBytes = 1500;
   Groups_fold(&g, rows, 4, 11.0);
   p = find(&g, 100, "curl");
   CHECK(p && p->groupConns == 2 && p->txBytes == 3500);
   Conn* left[3] = { &c[1], &c[2], &c[3] };
   Groups_fold(&g, left, 3, 12.0);
   p = find(&g, 100, "curl");
   CHECK(p && p->groupConns == 2 && p->txBytes == 3500 && p->rxBytes == 11000);
   Groups_fold(&g, left, 3, 13.0);   /* folded again: counted once */
   p = find(&g, 100, "curl");
   CHECK(p && p->groupConns == 2 && p->txBytes == 3500);
   /* the command key joins the two curls; a new key starts again */
   Groups_setKey(&g, GROUP_COMMAND);
   Groups_fold(&g, rows, 4, 14.0);
   p = find(&g, 0, "curl");
   CHECK(g.nRows == 2 && p && p->groupConns == 3 && p->txBytes == 1500 + 2000 + 4000);
   CHECK(Groups_member(GROUP_COMMAND, p, &c[2]) && !Groups_member(GROUP_COMMAND, p, &c[3]));
   /* a group without rows for GROUPS_LINGER goes */
   Conn* one[1] = { &c[3] };
   Groups_fold(&g, one, 1, 14.0 + GROUPS_LINGER - 1);
   CHECK(g.nRows == 2);
   Groups_fold(&g, one, 1, 14.0 + GROUPS_LINGER);
   CHECK(g.nRows == 1 && strcmp(g.rows[0]->comm, "nginx") == 0);
   Groups_done(&g);
}

static void test_keys(void) {
   Conn c[3] = { conn(1, 100, "a", 10, 20), conn(2, 101, "b", 30, 40), conn(3, 102, "c", 50, 60) };
   c[1].passive = true;
   c[1].lport = 443;   /* accepted on 443: the same service as the others' remote 443 */
   Conn* rows[3] = { &c[0], &c[1], &c[2] };
   Groups g;
   Groups_init(&g, GROUP_PORT);
   Groups_fold(&g, rows, 3, 1.0);
   CHECK(g.nRows == 1 && g.rows[0]->groupConns == 3 && g.rows[0]->txBytes == 90 && Conn_servicePort(g.rows[0]) == 443);
   Groups_setKey(&g, GROUP_NETNS);
   Groups_fold(&g, rows, 3, 1.0);
   CHECK(g.nRows == 2);
   Groups_setKey(&g, GROUP_CGROUP);
   c[2].cgroupId = 0;   /* unknown: a group of its own */
   Groups_fold(&g, rows, 3, 1.0);
   CHECK(g.nRows == 3);
   Groups_setKey(&g, GROUP_REMOTE);
   Groups_fold(&g, rows, 3, 1.0);
   CHECK(g.nRows == 3);
   ColumnList cl;
   Groups_columns(GROUP_PROCESS, &cl);
   CHECK(cl.count == 12 && cl.ids[0] == COLUMN_PID && cl.ids[1] == COLUMN_COMM && cl.ids[2] == COLUMN_CONNECTIONS);
   Groups_done(&g);
}

/* 20,000 rows into 100 groups: the fold must stay cheap (bench/group.sh measures it in tcptop). */
static void test_many(void) {
   enum { N = 20000 };
   Conn* c = calloc(N, sizeof(Conn));
   Conn** rows = malloc(N * sizeof(Conn*));
   for (int i = 0; i < N; i++) {
      c[i] = conn((uint64_t)i + 1, (uint32_t)(i % 100), "x", 1, 2);
      rows[i] = &c[i];
   }
   Groups g;
   Groups_init(&g, GROUP_PROCESS);
   Groups_fold(&g, rows, N, 1.0);
   uint64_t tx = 0;
   for (size_t i = 0; i < g.nRows; i++)
      tx += g.rows[i]->txBytes;
   CHECK(g.nRows == 100 && tx == N);
   Groups_done(&g);
   free(rows);
   free(c);
}

int main(void) {
   test_cgroupName();
   test_fold();
   test_keys();
   test_many();
   return check_done("test_groups");
}
