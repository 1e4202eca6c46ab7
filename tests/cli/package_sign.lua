-- package_sign.lua KEY.key MANIFEST — prints the tuiyan-package.sig line for MANIFEST, signed
-- with KEY. A test helper (run with `tuiyan run`, a trusted local script): it lets
-- tests/cli/tpkg_craft.py build validly signed but hostile packages that tuiyan pack refuses
-- to make.
local crypto = require "_tuiyan.crypto"
local io_native = require "_tuiyan.io"
local keytext = assert(io_native.read_file(arg[1]))
local secret = assert(keytext:match("^tuiyan%-ed25519%-secret (%x+)\n?$"), "not a secret key")
local manifest = assert(io_native.read_file(arg[2]))
io.stdout:write("tuiyan-ed25519-signature ", crypto.public_of(secret), " ",
  crypto.sign(manifest, secret), "\n")
