/*
 * LD_PRELOAD for Debian's UML kernel (6.1): its guests' FPU registers, saved and restored whole on hosts
 * whose XSAVE area is larger than UML knows.
 *
 * UML saves a guest process's FPU state with PTRACE_GETREGSET(NT_X86_XSTATE) into a buffer of the AVX
 * layout (832 bytes) and restores it with PTRACE_SETREGSET from there. The host kernel returns a truncated
 * copy, but takes a restore only of its whole XSAVE size, larger on CPUs with AVX-512, PKRU or AMX: there
 * every restore fails with EFAULT ("userspace - ptrace set fp regs failed, errno = 14") and the guest's
 * init is killed at its first process switch. Refusing NT_X86_XSTATE instead makes UML fall back to the
 * x87/SSE registers only, and guest programs using AVX-512 then misbehave (seen: python3 exiting without
 * output, find printing "%s").
 *
 * Here UML's calls go to the host with a buffer of the host's size. UML gets its part; the rest is kept
 * beside it, keyed by the address of UML's buffer (one per guest thread), and put back when UML restores
 * from that buffer. A buffer never saved through here (a forked thread's copy) gets the rest of the
 * thread's current state.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define NT_X86_XSTATE_SET 0x202
#define PROBE_SIZE (64 * 1024)
#define SLOTS 65536 /* guest threads with saved state at once; UML boots have a few hundred */

struct slot {
	void *owner; /* UML's buffer */
	unsigned char *rest;
};

static struct slot slots[SLOTS];
static unsigned char *whole;
static size_t host_size;

static long raw_ptrace(long request, pid_t pid, void *addr, void *data)
{
	return syscall(SYS_ptrace, request, pid, addr, data);
}

/* The host's XSAVE size, from the first request: the kernel shortens iov_len to it. */
static int learn_host_size(pid_t pid)
{
	struct iovec iov;

	if (host_size)
		return 0;
	whole = malloc(PROBE_SIZE);
	if (!whole)
		return -1;
	iov.iov_base = whole;
	iov.iov_len = PROBE_SIZE;
	if (raw_ptrace(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE_SET, &iov) < 0)
		return -1;
	host_size = iov.iov_len;
	return 0;
}

static struct slot *slot_for(void *owner, int create)
{
	size_t start = ((uintptr_t)owner >> 4) % SLOTS;

	for (size_t i = 0; i < SLOTS; i++) {
		struct slot *slot = &slots[(start + i) % SLOTS];
		if (slot->owner == owner)
			return slot;
		if (!slot->owner) {
			if (!create)
				return NULL;
			slot->rest = malloc(host_size);
			if (!slot->rest)
				return NULL;
			slot->owner = owner;
			return slot;
		}
	}
	return NULL;
}

static long xstate(long request, pid_t pid, struct iovec *uml)
{
	struct iovec host;
	size_t part;
	struct slot *slot;

	if (learn_host_size(pid) < 0)
		return -1;
	if (uml->iov_len >= host_size)
		return raw_ptrace(request, pid, (void *)NT_X86_XSTATE_SET, uml);
	part = uml->iov_len;
	host.iov_base = whole;
	host.iov_len = host_size;
	if (request == PTRACE_GETREGSET) {
		if (raw_ptrace(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE_SET, &host) < 0)
			return -1;
		memcpy(uml->iov_base, whole, part);
		slot = slot_for(uml->iov_base, 1);
		if (slot)
			memcpy(slot->rest + part, whole + part, host_size - part);
		return 0;
	}
	slot = slot_for(uml->iov_base, 0);
	if (slot)
		memcpy(whole + part, slot->rest + part, host_size - part);
	else if (raw_ptrace(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE_SET, &host) < 0)
		return -1;
	memcpy(whole, uml->iov_base, part);
	host.iov_len = host_size;
	return raw_ptrace(PTRACE_SETREGSET, pid, (void *)NT_X86_XSTATE_SET, &host);
}

long ptrace(enum __ptrace_request request, ...)
{
	static long (*next)(enum __ptrace_request, ...);
	va_list args;
	pid_t pid;
	void *addr, *data;

	va_start(args, request);
	pid = va_arg(args, pid_t);
	addr = va_arg(args, void *);
	data = va_arg(args, void *);
	va_end(args);
	if ((request == PTRACE_GETREGSET || request == PTRACE_SETREGSET) &&
	    (uintptr_t)addr == NT_X86_XSTATE_SET)
		return xstate(request, pid, data);
	if (!next)
		next = (long (*)(enum __ptrace_request, ...))dlsym(RTLD_NEXT, "ptrace");
	return next(request, pid, addr, data);
}
