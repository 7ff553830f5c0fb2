#!/usr/bin/env python3
"""Differential oracle for scpd's MAP codec (src/map): pycrate's TS 29.002 ASN.1 decodes what
scpd encodes and encodes what scpd must decode. MAP v3 values go through
`pycrate_asn1dir.TCAP_MAP` (the v3 modules of TCAP_MAPv2v3), v2 values through
`pycrate_asn1dir.TCAP_MAPv2` (GSM 09.02 phase 2: SendRoutingInfoArg/Res without the v3
members, bare error parameters).

Driven by tests/map_pycrate.rs. Each value travels as one TC-END with one component (an
Invoke with its argument, a ReturnResultLast with its result, or a ReturnError with its
parameter) and is described by the JSON (X.697 JER, as pycrate's `to_jer` writes it) of the
argument, result or parameter, so both sides compare values, not bytes.

    map_pycrate.py check IN       IN: lines "KIND VERSION HEX JSON" encoded by scpd. KIND is
                                  "i<opcode>" (invoke), "r<opcode>" (result) or "e<code>"
                                  (error), VERSION 2 or 3. Decode HEX with the version's
                                  module, compare the argument with JSON.
    map_pycrate.py encode IN OUT SEED
                                  IN: lines "KIND VERSION FLAGS JSON"; FLAGS "i" = indefinite
                                  lengths, "u" = add a member [100] unknown to scpd to every
                                  extensible SEQUENCE (what an HLR of a newer release sends),
                                  "-" = neither. Encode with pycrate and write "HEX UNKNOWNS"
                                  per line to OUT.

Prints "pycrate map: N passed, M failed" last; exits 1 on any failure.

Traps handled here (see ../shared/PYCRATE-NOTES.md):
- pycrate drops an argument, result or parameter whose tag does not fit the operation's
  type (a v2 SendRoutingInfoRes in the v3 table, a v3 cug-Reject parameter in the v2 one):
  `check` counts the component's elements on the wire to catch it.
- pycrate resolves an open type given in JER by the name of its type, and several v2 error
  parameters are anonymous ENUMERATEDs: every argument, result and parameter is encoded with
  its own type and put into the component raw.
- pycrate 0.8 cannot skip an unknown member inside an indefinite-length SEQUENCE: the
  self-check decodes while the added members are still known.
"""
import json
import random
import sys

from pycrate_asn1dir import TCAP_MAP, TCAP_MAPv2
from pycrate_asn1rt.asnobj_str import OCT_STR
from pycrate_asn1rt.codecs import ASN1CodecBER
from pycrate_asn1rt.dictobj import ASN1Dict
from pycrate_asn1rt.utils import MODE_TYPE, TAG_CONTEXT_SPEC, TAG_IMPLICIT, TYPE_SEQ, TYPE_SET, TYPE_CHOICE, \
    TYPE_SEQ_OF, TYPE_SET_OF
from pycrate_core.charpy import Charpy


class Module:
    """One MAP version: its message type and the operation, result and error types."""

    def __init__(self, mod):
        self.msg = mod.TCAP_MAP_Messages.TCAP_MAP_Message
        ros = self.msg._cont["end"]._cont["components"]._cont._cont["basicROS"]
        self.args, self.results = {}, {}
        for r in ros._cont["invoke"]._cont["argument"]._const_tab._val.root:
            code = r["operationCode"][1]
            self.args[code] = r.get("ArgumentType")
            self.results[code] = r.get("ResultType")
        self.errors = {r["errorCode"][1]: r.get("ParameterType")
                       for r in ros._cont["returnError"]._cont["parameter"]._const_tab._val.root}

    def type_of(self, kind):
        code = int(kind[1:])
        return {"i": self.args, "r": self.results, "e": self.errors}[kind[0]][code]


MODULES = {"3": Module(TCAP_MAP), "2": Module(TCAP_MAPv2)}


# --- BER helpers (independent of pycrate, to check what pycrate decoded) ----------------------


def tlv(buf, i):
    """(start, constructed, contents start, contents end, next)."""
    first = buf[i]
    j = i + 1
    if first & 0x1F == 0x1F:
        while buf[j] & 0x80:
            j += 1
        j += 1
    cons = bool(first & 0x20)
    ln = buf[j]
    j += 1
    if ln == 0x80:
        k = j
        while buf[k:k + 2] != b"\x00\x00":
            k = tlv(buf, k)[4]
        return (i, cons, j, k, k + 2)
    if ln & 0x80:
        n = ln & 0x7F
        ln = int.from_bytes(buf[j:j + n], "big")
        j += n
    return (i, cons, j, j + ln, j + ln)


def children(buf, start, end):
    out = []
    i = start
    while i < end:
        t = tlv(buf, i)
        out.append(t)
        i = t[4]
    return out


def component(buf):
    """The single component of a TC message: (its tag octet, its elements)."""
    msg = tlv(buf, 0)
    for c in children(buf, msg[2], msg[3]):
        if buf[c[0]] == 0x6C:
            comps = children(buf, c[2], c[3])
            if len(comps) != 1:
                raise ValueError("%d components" % len(comps))
            return buf[comps[0][0]], children(buf, comps[0][2], comps[0][3])
    raise ValueError("no component portion")


def value_on_wire(buf):
    """Whether the component carries its argument / result / parameter on the wire."""
    tag, elems = component(buf)
    if tag == 0xA2:  # returnResultLast: invokeId, SEQUENCE { opcode, result }
        if len(elems) < 2:
            return False
        seq = elems[1]
        return len(children(buf, seq[2], seq[3])) == 2
    return len(elems) == 3


# --- messages --------------------------------------------------------------------------------


def skeleton(kind, invoke_id):
    code = int(kind[1:])
    if kind[0] == "i":
        c = {"invoke": {"invokeId": {"present": invoke_id}, "opcode": {"local": code}}}
    elif kind[0] == "r":
        c = {"returnResult": {"invokeId": {"present": invoke_id}}}
    else:
        c = {"returnError": {"invokeId": {"present": invoke_id}, "errcode": {"local": code}}}
    return {"end": {"dtid": "01020304", "components": [{"basicROS": c}]}}


def value_of(kind, jer):
    (name, c), = jer["end"]["components"][0]["basicROS"].items()
    if kind[0] == "i":
        return c.get("argument")
    if kind[0] == "r":
        return c.get("result", {}).get("result")
    return c.get("parameter")


def decode(kind, version, buf):
    m = MODULES[version].msg
    ch = Charpy(buf)
    m.from_ber(ch)
    if ch._cur != len(buf) * 8:
        raise ValueError("pycrate consumed %d of %d bytes" % (ch._cur // 8, len(buf)))
    v = value_of(kind, json.loads(m.to_jer()))
    if (v is not None) != value_on_wire(buf):
        raise ValueError("the value is on the wire but pycrate decoded none (wrong tag for the "
                         "operation or version?)")
    return v


def encode_value(kind, version, v, rng):
    """The message carrying `v` (JER), encoded by its own type and put in raw."""
    m = MODULES[version].msg
    m.from_jer(json.dumps(skeleton(kind, rng.randint(-128, 127))))
    val = m.get_val()
    if v is not None:
        t = MODULES[version].type_of(kind)
        t.from_jer(json.dumps(v))
        b = t.to_ber()
        _, cons, start, end, _ = tlv(b, 0)
        raw = ("_unk_%d%d%d" % (b[0] >> 6, int(cons), b[0] & 0x1F), b[start:end])
        comp = val[1]["components"][0][1][1]
        if kind[0] == "r":
            comp["result"] = {"opcode": ("local", int(kind[1:])), "result": raw}
        else:
            comp["argument" if kind[0] == "i" else "parameter"] = raw
    m.set_val(val)
    return m.to_ber()


# --- unknown members -------------------------------------------------------------------------

UNKNOWN_TAG = (100, TAG_CONTEXT_SPEC, TAG_IMPLICIT)


def add_member(seq, name):
    """Give a pycrate SEQUENCE one more optional OCTET STRING member [100]; returns the undo."""
    obj = OCT_STR(name=name, mode=MODE_TYPE, tag=UNKNOWN_TAG, opt=True)
    obj._parent = seq
    obj._tagc = [(2, UNKNOWN_TAG[0])]
    saved = (seq._cont, seq._root, seq._root_opt, seq._cont_tags)
    seq._cont = ASN1Dict(list(seq._cont.items()) + [(name, obj)])
    seq._root = list(seq._root) + [name]
    seq._root_opt = list(seq._root_opt) + [name]
    seq._cont_tags = list(seq._cont_tags) + [obj._tagc[0]] if isinstance(seq._cont_tags, list) \
        else dict(seq._cont_tags, **{obj._tagc[0]: name})

    def undo():
        seq._cont, seq._root, seq._root_opt, seq._cont_tags = saved

    return undo


def inject(obj, jv, rng, done, undo):
    """Add the unknown member to every extensible SEQUENCE met in JER value `jv` of type
    `obj`. Returns how many were added."""
    n = 0
    t = obj.TYPE
    if t in (TYPE_SEQ, TYPE_SET) and isinstance(jv, dict):
        for k, v in list(jv.items()):
            if k in obj._cont:
                n += inject(obj._cont[k], v, rng, done, undo)
        if obj._ext is not None:
            if id(obj) not in done:
                done.add(id(obj))
                undo.append(add_member(obj, "newer-release-member"))
            jv["newer-release-member"] = "%02x" % rng.randint(0, 255) * rng.randint(0, 3)
            n += 1
    elif t == TYPE_CHOICE and isinstance(jv, dict) and len(jv) == 1:
        (k, v), = jv.items()
        if k in obj._cont:
            n += inject(obj._cont[k], v, rng, done, undo)
    elif t in (TYPE_SEQ_OF, TYPE_SET_OF) and isinstance(jv, list):
        for v in jv:
            n += inject(obj._cont, v, rng, done, undo)
    return n


def strip(jv):
    if isinstance(jv, dict):
        return {k: strip(v) for k, v in jv.items() if k != "newer-release-member"}
    if isinstance(jv, list):
        return [strip(v) for v in jv]
    return jv


def encode(kind, version, flags, v, rng):
    """pycrate's encoding of `v`, how many unknown members it carries, what pycrate decodes
    from it (while it still knows the added members), and the value given (with them)."""
    undo = []
    added = 0
    ASN1CodecBER.ENC_LUNDEF = "i" in flags
    try:
        v = json.loads(json.dumps(v))
        if "u" in flags and v is not None:
            added = inject(MODULES[version].type_of(kind), v, rng, set(), undo)
        buf = encode_value(kind, version, v, rng)
        ASN1CodecBER.ENC_LUNDEF = False
        again = decode(kind, version, buf)
    finally:
        ASN1CodecBER.ENC_LUNDEF = False
        for u in reversed(undo):
            u()
    return buf, added, again, v


# --- modes -----------------------------------------------------------------------------------


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def fail(self, what):
        self.failed += 1
        if self.failed <= 20:
            print("FAIL:", what, file=sys.stderr)

    def done(self):
        print("pycrate map: %d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def check(inp, t):
    with open(inp) as f:
        for n, line in enumerate(f, 1):
            kind, version, hx, js = line.rstrip("\n").split(" ", 3)
            want = json.loads(js)
            try:
                got = decode(kind, version, bytes.fromhex(hx))
            except Exception as e:  # noqa: BLE001 - report, keep going
                t.fail("line %d %s v%s: pycrate cannot decode %s: %s" % (n, kind, version, hx, e))
                continue
            if got != want:
                t.fail("line %d %s v%s: %s\n  scpd:    %s\n  pycrate: %s" % (
                    n, kind, version, hx, json.dumps(want, sort_keys=True), json.dumps(got, sort_keys=True)))
            else:
                t.passed += 1


def gen(inp, outp, seed, t):
    rng = random.Random(seed)
    with open(inp) as f, open(outp, "w") as out:
        for n, line in enumerate(f, 1):
            kind, version, flags, js = line.rstrip("\n").split(" ", 3)
            want = json.loads(js)
            try:
                buf, added, again, given = encode(kind, version, flags, want, rng)
            except Exception as e:  # noqa: BLE001
                t.fail("line %d %s v%s: pycrate cannot encode %s: %s" % (n, kind, version, js, e))
                out.write("- 0\n")
                continue
            if again != given or strip(given) != want:
                t.fail("line %d %s v%s: pycrate encoded %s\n  given:   %s\n  decoded: %s" % (
                    n, kind, version, buf.hex(), json.dumps(given, sort_keys=True),
                    json.dumps(again, sort_keys=True)))
            else:
                t.passed += 1
            out.write("%s %d\n" % (buf.hex(), added))


def main():
    t = Tally()
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2], t)
    elif len(sys.argv) == 5 and sys.argv[1] == "encode":
        gen(sys.argv[2], sys.argv[3], int(sys.argv[4]), t)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    t.done()


if __name__ == "__main__":
    main()
