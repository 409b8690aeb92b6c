#!/usr/bin/env python3
# Runs a command under a seccomp filter that fails unshare(CLONE_NEWNET) with
# ENOSPC, as the kernel does once user.max_net_namespaces is reached; so a test
# can see how a runtime reports a network namespace it cannot make. x86_64 only.
import ctypes
import os
import platform
import struct
import sys

if platform.machine() != "x86_64":
    sys.exit("no-netns: x86_64 only")

AUDIT_ARCH_X86_64 = 0xC000003E
NR_UNSHARE = 272
CLONE_NEWNET = 0x40000000
ENOSPC = 28
LD_W_ABS, JEQ_K, AND_K, RET_K = 0x20, 0x15, 0x54, 0x06
ALLOW, ERRNO = 0x7FFF0000, 0x00050000


def insn(code, jt, jf, k):
    return struct.pack("HBBI", code, jt, jf, k)


prog = b"".join(
    [
        insn(LD_W_ABS, 0, 0, 4),  # arch
        insn(JEQ_K, 0, 5, AUDIT_ARCH_X86_64),
        insn(LD_W_ABS, 0, 0, 0),  # syscall number
        insn(JEQ_K, 0, 3, NR_UNSHARE),
        insn(LD_W_ABS, 0, 0, 16),  # low half of the flags
        insn(AND_K, 0, 0, CLONE_NEWNET),
        insn(JEQ_K, 1, 0, CLONE_NEWNET),
        insn(RET_K, 0, 0, ALLOW),
        insn(RET_K, 0, 0, ERRNO | ENOSPC),
    ]
)
buf = ctypes.create_string_buffer(prog)
fprog = struct.pack("HxxxxxxQ", len(prog) // 8, ctypes.addressof(buf))
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
fbuf = ctypes.create_string_buffer(fprog)
# As root (CAP_SYS_ADMIN) no no_new_privs is needed, which would reach the container too.
if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fbuf), 0, 0) != 0:
    sys.exit("no-netns: seccomp: " + os.strerror(ctypes.get_errno()))
os.execvp(sys.argv[1], sys.argv[1:])
