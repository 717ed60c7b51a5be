"""Run a program (the UML kernel) with the host's XSAVE register set hidden from its ptrace calls.

Debian's UML kernel (6.1) restores a guest process's FPU state with PTRACE_SETREGSET(NT_X86_XSTATE) from a
buffer of the AVX layout (832 bytes). A host kernel takes that request only with a buffer of the host's
whole XSAVE size, which is larger on CPUs with AVX-512, PKRU or AMX: every restore fails with EFAULT
("userspace - ptrace set fp regs failed, errno = 14") and the guest's init is killed at its first switch.
With NT_X86_XSTATE refused (EIO) when UML probes for it at boot, UML uses PTRACE_GETFPREGS/SETFPREGS (the
x87/SSE area) instead, as on hosts without XSAVE. Guest processes keep their own wider registers in their
own host processes.

Usage: fxsave_only.py PROGRAM [ARGUMENT...]  (then PROGRAM runs in this process: same PID, environment)
"""

import ctypes
import os
import struct
import sys

_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_SET_MODE_FILTER = 1
_NR_SECCOMP = 317
_NR_PTRACE = 101
_AUDIT_ARCH_X86_64 = 0xC000003E
_PTRACE_GETREGSET, _PTRACE_SETREGSET = 0x4204, 0x4205
_NT_X86_XSTATE = 0x202
_EIO = 5
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_LOAD_WORD, _JUMP_IF_EQUAL, _RETURN = 0x20, 0x15, 0x06
# Offsets in struct seccomp_data: the call's number, the architecture, then its arguments (8 bytes each,
# the low 32 bits first): ptrace(request, pid, addr, data) names the register set in addr.
_NR, _ARCH, _REQUEST, _REGSET = 0, 4, 16, 32


def _op(code: int, if_true: int, if_false: int, value: int) -> bytes:
    return struct.pack("HBBI", code, if_true, if_false, value)


_FILTER = [
    _op(_LOAD_WORD, 0, 0, _ARCH),
    _op(_JUMP_IF_EQUAL, 0, 8, _AUDIT_ARCH_X86_64),
    _op(_LOAD_WORD, 0, 0, _NR),
    _op(_JUMP_IF_EQUAL, 0, 6, _NR_PTRACE),
    _op(_LOAD_WORD, 0, 0, _REQUEST),
    _op(_JUMP_IF_EQUAL, 1, 0, _PTRACE_GETREGSET),
    _op(_JUMP_IF_EQUAL, 0, 3, _PTRACE_SETREGSET),
    _op(_LOAD_WORD, 0, 0, _REGSET),
    _op(_JUMP_IF_EQUAL, 0, 1, _NT_X86_XSTATE),
    _op(_RETURN, 0, 0, _ERRNO | _EIO),
    _op(_RETURN, 0, 0, _ALLOW),
]


class _Program(ctypes.Structure):
    _fields_ = [("length", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def main(argv: list[str]) -> None:
    if len(argv) < 2:
        sys.exit(__doc__)
    libc = ctypes.CDLL(None, use_errno=True)
    code = ctypes.create_string_buffer(b"".join(_FILTER))
    program = _Program(len(_FILTER), ctypes.cast(code, ctypes.c_void_p))
    # Without it an unprivileged process may not install a filter; the program needs no new privileges.
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.syscall(_NR_SECCOMP, _SECCOMP_SET_MODE_FILTER, 0, ctypes.byref(program)) != 0:
        raise OSError(ctypes.get_errno(), "seccomp(SECCOMP_SET_MODE_FILTER)")
    os.execvp(argv[1], argv[1:])


if __name__ == "__main__":
    main(sys.argv)
