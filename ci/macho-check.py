#!/usr/bin/env python3
"""Checks what a cross-built macOS binary would give dyld and the JVM, without a Mac.

  macho-check.py FILE [--arch x86_64|aarch64] [--exports-like ELF.so] [--exports-from HEADER.h ...]

Reads the Mach-O load commands and symbol table: the CPU, the lowest macOS version
(LC_BUILD_VERSION), the dylibs it links (only /usr/lib/libSystem.B.dylib is allowed: anything
else would not be on a user's Mac), whether it carries a code signature (arm64 macOS refuses to
run unsigned code; the linker signs ad hoc), and, for the JNI library, that it exports every
Java_* / JNI_* symbol the Linux library exports (or that the javac -h headers declare): a
missing one would be an UnsatisfiedLinkError on macOS only. Exits 1 with the reasons otherwise.
"""
import argparse
import re
import struct
import subprocess
import sys

MH_MAGIC_64 = 0xFEEDFACF
CPU = {0x01000007: "x86_64", 0x0100000C: "aarch64"}
LC_SYMTAB, LC_LOAD_DYLIB, LC_CODE_SIGNATURE, LC_BUILD_VERSION = 0x2, 0xC, 0x1D, 0x32
LC_REQ_DYLD = 0x80000000
N_EXT, N_TYPE, N_SECT, N_UNDF = 0x01, 0x0E, 0x0E, 0x00
ALLOWED_DYLIBS = {"/usr/lib/libSystem.B.dylib"}


def read_macho(path):
    data = open(path, "rb").read()
    magic, cputype, _sub, _ftype, ncmds, _size, _flags, _res = struct.unpack_from("<IiiIIIII", data, 0)
    if magic != MH_MAGIC_64:
        raise SystemExit(f"{path}: not a 64-bit little-endian Mach-O file")
    info = {"arch": CPU.get(cputype & 0xFFFFFFFF, hex(cputype)), "dylibs": [], "signed": False,
            "minos": None, "exports": set(), "imports": set()}
    offset = 32
    for _ in range(ncmds):
        cmd, cmdsize = struct.unpack_from("<II", data, offset)
        cmd &= ~LC_REQ_DYLD
        if cmd == LC_LOAD_DYLIB:
            name_offset = struct.unpack_from("<I", data, offset + 8)[0]
            raw = data[offset + name_offset: offset + cmdsize]
            info["dylibs"].append(raw.split(b"\0", 1)[0].decode())
        elif cmd == LC_CODE_SIGNATURE:
            info["signed"] = True
        elif cmd == LC_BUILD_VERSION:
            minos = struct.unpack_from("<I", data, offset + 12)[0]
            info["minos"] = f"{minos >> 16}.{(minos >> 8) & 0xFF}"
        elif cmd == LC_SYMTAB:
            symoff, nsyms, stroff, _strsize = struct.unpack_from("<IIII", data, offset + 8)
            for i in range(nsyms):
                strx, ntype, _sect, _desc, _value = struct.unpack_from("<IBBHQ", data, symoff + 16 * i)
                name = data[stroff + strx:].split(b"\0", 1)[0].decode()
                name = name[1:] if name.startswith("_") else name  # C names carry a leading '_'
                if ntype & N_EXT and ntype & N_TYPE == N_SECT:
                    info["exports"].add(name)
                elif ntype & N_EXT and ntype & N_TYPE == N_UNDF:
                    info["imports"].add(name)
        offset += cmdsize
    return info


def jni_names(names):
    return {n for n in names if n.startswith("Java_") or n.startswith("JNI_")}


def elf_exports(path):
    out = subprocess.run(["nm", "-D", "--defined-only", path], check=True, capture_output=True, text=True)
    return {line.split()[-1] for line in out.stdout.splitlines() if line.strip()}


def header_declarations(paths):
    names = set()
    for path in paths:
        names |= set(re.findall(r"JNICALL (Java_\w+)", open(path).read()))
    return names


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--arch")
    parser.add_argument("--exports-like", help="an ELF library whose Java_*/JNI_* exports must all be here")
    parser.add_argument("--exports-from", nargs="*", default=[], help="javac -h headers")
    args = parser.parse_args()
    info = read_macho(args.file)
    problems = []
    if args.arch and info["arch"] != args.arch:
        problems.append(f"built for {info['arch']}, not {args.arch}")
    strange = [d for d in info["dylibs"] if d not in ALLOWED_DYLIBS]
    if strange:
        problems.append(f"links {strange}: not on every Mac")
    if info["arch"] == "aarch64" and not info["signed"]:
        problems.append("no code signature: arm64 macOS kills unsigned code")
    wanted = set()
    if args.exports_like:
        wanted |= jni_names(elf_exports(args.exports_like))
    wanted |= header_declarations(args.exports_from)
    missing = sorted(wanted - info["exports"])
    if missing:
        problems.append(f"does not export {missing}")
    exported = len(jni_names(info["exports"]))
    print(f"{args.file}: {info['arch']}, macOS {info['minos']}+, links {', '.join(info['dylibs'])},"
          f" {'signed (ad hoc)' if info['signed'] else 'unsigned'}, {len(info['imports'])} imports"
          + (f", {exported} JNI exports ({len(wanted)} required)" if wanted else ""))
    for problem in problems:
        print(f"  ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
