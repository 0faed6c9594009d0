/*
 * RunAs.h: the user tcptop becomes after start-up (core/Sandbox.h): the
 * one named by --user, else the one who ran sudo, else nobody.
 */
#ifndef TCPTOP_RUNAS_H
#define TCPTOP_RUNAS_H

#include <sys/types.h>

/* 0 with the ids, or -1 with *err (an unknown user, or root named). */
int RunAs_target(const char* user, uid_t* uid, gid_t* gid, char** err);

#endif
