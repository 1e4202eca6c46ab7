#!/usr/bin/env python3
"""tpkg_craft.py BIN KEY IN.tpkg OUT.tpkg CASE [ARG] -- hostile variants of a good package.

Reads a .tpkg made by `tuiyan pack`, changes it as CASE says, and writes OUT with the same
gzip framing tuiyan writes (fixed header, raw deflate, CRC-32, length), so each variant reaches
the check it is meant to hit. When the manifest changes it is signed again with KEY (through
tests/cli/package_sign.lua) so the signature is valid and only the change is wrong.

Cases: extra, missing, tamper-file, tamper-manifest, bad-sig, no-sig, swap-order,
  manifest JSON_FILE (replace the manifest and re-sign), entry PATH (add an entry named PATH),
  symlink, hardlink, device, fifo, dir, pax, huge-declared, bomb MB, flip OFFSET,
  gzip-mtime, crc, trailing, many N, resign (re-sign the manifest unchanged),
  twins nfd|case (two data files, one name after NFC + case folding)
"""
import io
import json
import os
import struct
import subprocess
import sys
import tarfile
import zlib

HEADER = bytes([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03])
HERE = os.path.dirname(os.path.abspath(__file__))


def gz(raw):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = c.compress(raw) + c.flush()
    return HEADER + body + struct.pack("<II", zlib.crc32(raw) & 0xffffffff, len(raw) & 0xffffffff)


def read(path):
    data = open(path, "rb").read()
    raw = zlib.decompressobj(31).decompress(data)
    t = tarfile.open(fileobj=io.BytesIO(raw), mode="r:", format=tarfile.USTAR_FORMAT)
    return [(m, t.extractfile(m).read() if m.isfile() else b"") for m in t.getmembers()]


def info(name, size, kind=tarfile.REGTYPE):
    ti = tarfile.TarInfo(name)
    ti.size = size
    ti.type = kind
    ti.mode = 0o644
    ti.mtime = 0
    return ti


def tar(entries, fmt=tarfile.USTAR_FORMAT):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=fmt) as t:
        for ti, data in entries:
            t.addfile(ti, io.BytesIO(data) if ti.isfile() else None)
    return b.getvalue()


def body(entries):
    """Headers and data of entries, without the end-of-archive blocks or record padding."""
    out = b""
    for ti, data in entries:
        out += ti.tobuf(tarfile.USTAR_FORMAT) + data + b"\0" * (-len(data) % 512)
    return out


def sign(bin_, key, manifest):
    path = os.environ.get("TMPDIR", "/tmp") + "/tpkg_craft_manifest.%d" % os.getpid()
    open(path, "wb").write(manifest)
    try:
        return subprocess.run([bin_, "run", os.path.join(HERE, "package_sign.lua"), key, path],
                              check=True, capture_output=True).stdout
    finally:
        os.unlink(path)


def with_manifest(entries, manifest, sig):
    out = [(info("tuiyan-package.json", len(manifest)), manifest),
           (info("tuiyan-package.sig", len(sig)), sig)]
    return out + entries[2:]


def main():
    bin_, key, src, out, case = sys.argv[1:6]
    arg = sys.argv[6] if len(sys.argv) > 6 else None
    entries = [(info(m.name, len(d), m.type), d) for m, d in read(src)]
    files = entries[2:]
    manifest = entries[0][1]
    raw = None
    if case == "extra":
        entries.append((info("zz_extra.csv", 3), b"a,b"))
    elif case == "missing":
        del entries[2]
    elif case == "tamper-file":
        ti, d = entries[-1]
        entries[-1] = (ti, bytes([d[0] ^ 1]) + d[1:])
    elif case == "tamper-manifest":
        m = manifest.replace(b'"description": "', b'"description": "X', 1)
        entries[0] = (info("tuiyan-package.json", len(m)), m)
    elif case == "bad-sig":
        s = b"tuiyan-ed25519-signature 00zz\n"
        entries[1] = (info("tuiyan-package.sig", len(s)), s)
    elif case == "no-sig":
        del entries[1]
    elif case == "swap-order":
        entries[2], entries[3] = entries[3], entries[2]
    elif case == "resign":
        entries = with_manifest(entries, manifest, sign(bin_, key, manifest))
    elif case == "manifest":
        m = open(arg, "rb").read()
        entries = with_manifest(entries, m, sign(bin_, key, m))
    elif case == "entry":
        name = arg.encode("utf-8", "surrogateescape").decode("utf-8", "surrogateescape")
        entries.append((info(name, 1), b"x"))
    elif case in ("symlink", "hardlink", "device", "fifo", "dir"):
        kind = {"symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE, "device": tarfile.CHRTYPE,
                "fifo": tarfile.FIFOTYPE, "dir": tarfile.DIRTYPE}[case]
        ti = info("zz_" + case, 0, kind)
        if case in ("symlink", "hardlink"):
            ti.linkname = "/etc/passwd" if case == "symlink" else entries[2][0].name
        if case == "device":
            ti.devmajor, ti.devminor = 1, 3
        entries.append((ti, b""))
    elif case == "pax":
        entries[2][0].pax_headers = {"comment": "pax"}
        raw = tar(entries, tarfile.PAX_FORMAT)
    elif case == "huge-declared":
        # The last file's header claims 7 GiB (the most ustar can say); only its real bytes follow.
        head = body(entries[:-1])
        ti, d = entries[-1]
        hdr = bytearray(info(ti.name, 0).tobuf(tarfile.USTAR_FORMAT))
        hdr[124:136] = b"%011o\0" % (7 << 30)
        hdr[148:156] = b" " * 8
        hdr[148:156] = b"%06o\0 " % sum(hdr)
        raw = head + bytes(hdr) + d + b"\0" * (-len(d) % 512) + b"\0" * 1024
    elif case == "bomb":
        # A last file of ARG megabytes of zeros, compressed as a stream (never held in memory).
        ti, _ = entries[-1]
        mb = int(arg)
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        crc, n = 0, 0
        parts = []
        def feed(b):
            nonlocal crc, n
            crc = zlib.crc32(b, crc)
            n += len(b)
            parts.append(c.compress(b))
        feed(body(entries[:-1]))
        feed(info(ti.name, mb << 20).tobuf(tarfile.USTAR_FORMAT))
        zero = b"\0" * (1 << 20)
        for _ in range(mb):
            feed(zero)
        feed(b"\0" * 1024)
        parts.append(c.flush())
        open(out, "wb").write(HEADER + b"".join(parts) + struct.pack("<II", crc & 0xffffffff, n & 0xffffffff))
        return
    elif case == "many":
        # ARG data files, all listed in a signed manifest.
        m = json.loads(manifest)
        extra = []
        for i in range(int(arg)):
            p = "many/f%05d.csv" % i
            m["data"].append(p)
            m["files"].append({"path": p, "size": 1, "sha256": "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6"})
            extra.append((info(p, 1), b"a"))
        m["files"].sort(key=lambda f: f["path"].encode())
        mt = (json.dumps(m, ensure_ascii=False, indent=2) + "\n").encode()
        all_files = sorted(files + extra, key=lambda e: e[0].name.encode())
        entries = with_manifest(entries[:2], mt, sign(bin_, key, mt)) + all_files
    elif case == "twins":
        # Two data files whose names are one name once NFC-normalised and case-folded (ARG:
        # "nfd" = café in NFC and in NFD, "case" = Ä and ä), both listed in a signed manifest
        # with their true hashes, so the collision is the only defect.
        import hashlib, unicodedata
        a = "data/caf\u00e9.csv" if arg == "nfd" else "data/\u00c4.csv"
        b = unicodedata.normalize("NFD", a) if arg == "nfd" else "data/\u00e4.csv"
        assert a != b
        m = json.loads(manifest)
        extra = []
        for p, d in ((a, b"x,1\n"), (b, b"x,2\n")):
            m["data"].append(p)
            m["files"].append({"path": p, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()})
            extra.append((info(p, len(d)), d))
        m["files"].sort(key=lambda f: f["path"].encode())
        mt = (json.dumps(m, ensure_ascii=False, indent=2) + "\n").encode()
        all_files = sorted(files + extra, key=lambda e: e[0].name.encode())
        entries = with_manifest(entries[:2], mt, sign(bin_, key, mt)) + all_files
    elif case in ("flip", "gzip-mtime", "crc", "trailing"):
        data = bytearray(open(src, "rb").read())
        if case == "flip":
            data[int(arg)] ^= 0xFF
        elif case == "gzip-mtime":
            data[4] = 1
        elif case == "crc":
            data[-8] ^= 1
        else:
            data += b"junk"
        open(out, "wb").write(bytes(data))
        return
    else:
        sys.exit("unknown case " + case)
    open(out, "wb").write(gz(raw if raw is not None else tar(entries)))


if __name__ == "__main__":
    main()
