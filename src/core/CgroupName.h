/*
 * CgroupName.h: the short name of a cgroup v2 path, for the cgroup column:
 * a container's id (12 characters, as docker shows it) from docker-,
 * libpod-, crio- and cri-containerd- scopes, a Kubernetes pod's UID from
 * its kubepods slice, else the systemd unit (the last .service, .scope or
 * .slice), else the last path element.
 */
#ifndef TCPTOP_CGROUPNAME_H
#define TCPTOP_CGROUPNAME_H

#include <stddef.h>

void CgroupName_short(const char* path, char* out, size_t size);

#endif
