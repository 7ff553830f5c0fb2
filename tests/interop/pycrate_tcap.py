#!/usr/bin/env python3
"""Differential oracle for scpd's TCAP codecs: pycrate's ITU (TCAP_CAP) and ANSI (TCAP_ANSI)
TCAP modules decode what scpd encodes and encode what scpd must decode.

Driven by tests/tcap_pycrate.rs. Every message is described by a normalized JSON value that
the Rust side computes from its own decoder, so both sides compare values, not bytes.

    pycrate_tcap.py check IN OUT    IN: lines "itu|ansi HEX JSON" encoded by scpd. Decode each
                                    with pycrate, compare with JSON, re-encode with pycrate and
                                    write "itu|ansi HEX" to OUT (scpd decodes those back).
    pycrate_tcap.py gen N SEED OUT  N random messages per protocol encoded by pycrate (half with
                                    indefinite lengths, some with extension members unknown to
                                    scpd): lines "itu|ansi HEX JSON" for scpd to decode.

Prints "pycrate tcap: N passed, M failed" last; exits 1 on any failure.

pycrate quirks handled here (see ../shared/PYCRATE-NOTES.md):
- TCAP_ANSI tags ErrorCode [PRIVATE 19/20] EXPLICIT (the ASN.1 module's default); T1.114.3 and
  real traffic code them primitive (D3/D4). `implicit_error_codes()` switches pycrate to the
  wire form for messages that carry one; the generator sends both forms.
- TCAP_ANSI's EXTERNAL is the X.680-2008 one, so user information / user abort information
  (X.690 EXTERNAL) cannot be decoded by pycrate: those fields are not covered here.
- Unknown parameters come back as ('_unk_<class><constructed><tag>', contents).
"""
import json
import random
import sys

from pycrate_asn1dir import TCAP_ANSI, TCAP_CAP
from pycrate_asn1rt.asnobj_str import OCT_STR
from pycrate_asn1rt.codecs import ASN1CodecBER
from pycrate_asn1rt.dictobj import ASN1Dict
from pycrate_asn1rt.utils import TAG_CONTEXT_SPEC, TAG_IMPLICIT, TAG_PRIVATE, TAG_EXPLICIT, MODE_TYPE

ITU = TCAP_CAP.TCAP_CAP_Messages.TCAP_CAP_Message
ANSI = TCAP_ANSI.TCAPPackage.PackageType


def error_code_objects():
    """The ErrorCode alternatives pycrate uses inside every package's ReturnError."""
    objs = []
    for name in ANSI._cont:
        pkg = ANSI._cont[name]
        if "componentPortion" in pkg._cont:
            code = pkg._cont["componentPortion"]._cont._cont["returnError"]._cont["errorCode"]
            objs += [code._cont["national"], code._cont["private"]]
    return objs


class implicit_error_codes:
    """Code ErrorCode primitive (D3/D4) as T1.114.3 and the wire do."""

    def __enter__(self):
        self.saved = [(o, o._tag, o._tagc) for o in error_code_objects()]
        for o, tag, tagc in self.saved:
            o._tag = (tag[0], TAG_PRIVATE, TAG_IMPLICIT)
            o._tagc = [tagc[0]]

    def __exit__(self, *a):
        for o, tag, tagc in self.saved:
            o._tag, o._tagc = tag, tagc


class indefinite:
    def __init__(self, on):
        self.on = on

    def __enter__(self):
        ASN1CodecBER.ENC_LUNDEF = self.on

    def __exit__(self, *a):
        ASN1CodecBER.ENC_LUNDEF = False


def add_member(seq, name, tag):
    """Give a pycrate SEQUENCE one more optional OCTET STRING member, as a peer of a newer
    release would have (scpd must skip it). Returns a function that removes it again."""
    obj = OCT_STR(name=name, mode=MODE_TYPE, tag=tag, opt=True)
    obj._parent = seq
    obj._tagc = [({TAG_CONTEXT_SPEC: 2, TAG_PRIVATE: 3}[tag[1]], tag[0])]
    saved = (seq._cont, seq._root, seq._root_opt, seq._cont_tags)
    seq._cont = ASN1Dict(list(seq._cont.items()) + [(name, obj)])
    seq._root = list(seq._root) + [name]
    seq._root_opt = list(seq._root_opt) + [name]
    seq._cont_tags = list(seq._cont_tags) + [obj._tagc[0]]

    def undo():
        seq._cont, seq._root, seq._root_opt, seq._cont_tags = saved

    return undo


def itu_aarq():
    """The AARQ-apdu object pycrate actually encodes a TC-BEGIN's dialogue portion with."""
    enc = ITU._cont["begin"]._cont["dialoguePortion"]._cont["encoding"]
    return enc._cont["single-ASN1-type"]._const_tab._val.root[0]["Type"]._cont["dialogueRequest"]


def ansi_dialogue_portions():
    p = TCAP_ANSI.TCAPPackage
    return [p._TransactionPDU_dialoguePortion, p._UniTransactionPDU_dialoguePortion, p._Abort_dialoguePortion]


# --- helpers ---------------------------------------------------------------------------------


def h(b):
    return None if b is None else b.hex()


def oid_bytes(arcs):
    arcs = list(arcs)
    vals = [arcs[0] * 40 + arcs[1]] + arcs[2:]
    out = bytearray()
    for v in vals:
        chunk = [v & 0x7F]
        v >>= 7
        while v:
            chunk.append(0x80 | (v & 0x7F))
            v >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def param(p):
    """pycrate open-type value -> [class, constructed, tag, contents hex]."""
    if p is None:
        return None
    name, val = p
    if name.startswith("_unk_"):
        s = name[5:]
        return [int(s[0]), int(s[1]), int(s[2:]), bytes(val).hex()]
    if name == "paramSequence":
        return [3, 1, 16, ""]
    if name == "paramSet":
        return [3, 1, 18, ""]
    raise ValueError("unexpected parameter %r" % (name,))


def unparam(p):
    cls, pc, tag, contents = p
    return ("_unk_%d%d%d" % (cls, pc, tag), bytes.fromhex(contents))


def s16(v):
    v &= 0xFFFF
    return v - 0x10000 if v & 0x8000 else v


# --- ANSI ------------------------------------------------------------------------------------

ANSI_IDS = {
    "unidirectional": (False, False),
    "queryWithPerm": (True, False),
    "queryWithoutPerm": (True, False),
    "response": (False, True),
    "conversationWithPerm": (True, True),
    "conversationWithoutPerm": (True, True),
    "abort": (False, True),
}


def ctx_choice(v):
    if v is None:
        return None
    name, x = v
    if name in ("integerApplicationId", "integerSecurityId"):
        return ["int", x]
    return ["oid", oid_bytes(x).hex()]


def norm_ansi(v):
    name, body = v
    ident = body["identifier"]
    o, r = ANSI_IDS[name]
    otid = ident[:4] if o else None
    rtid = ident[-4:] if r else None
    d = body.get("dialoguePortion")
    dlg = None
    if d is not None:
        dlg = {
            "version": d["version"][0] if "version" in d else None,
            "ac": ctx_choice(d.get("applicationContext")),
            "sec": ctx_choice(d.get("securityContext")),
        }
    comps = []
    for cname, c in body.get("componentPortion", []):
        if cname in ("invokeLast", "invokeNotLast"):
            kind, n = c["opcode"]
            comps.append(["invoke", cname == "invokeLast", h(c.get("componentIDs", b"")), kind, s16(n), param(c.get("parameter"))])
        elif cname in ("returnResultLast", "returnResultNotLast"):
            comps.append(["rr", cname == "returnResultLast", c["componentID"][0], param(c.get("parameter"))])
        elif cname == "returnError":
            kind, n = c["errorCode"]
            comps.append(["re", c["componentID"][0], kind, n, param(c.get("parameter"))])
        elif cname == "reject":
            comps.append(["reject", h(c["componentID"]), c["rejectProblem"], param(c["parameter"])])
        else:
            raise ValueError(cname)
    abort = None
    ci = body.get("causeInformation")
    if ci is not None:
        abort = ci[1]
    return {"pkg": name, "otid": h(otid), "rtid": h(rtid), "dlg": dlg, "comps": comps, "abort": abort}


def rand_param(rng, allowed):
    cls, pc, tag = rng.choice(allowed)
    contents = b""
    for _ in range(rng.randint(0, 3)):
        t = rng.choice([0x80, 0x81, 0x8F, 0x92, 0x9F])
        body = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 6)))
        if t == 0x9F:
            contents += bytes([0x9F, rng.randint(31, 127), len(body)]) + body
        else:
            contents += bytes([t, len(body)]) + body
    return ("_unk_%d%d%d" % (cls, pc, tag), contents)


ANSI_PARAMS = [(3, 1, 18), (3, 1, 16), (0, 1, 16)]


def rand_ansi(rng):
    name = rng.choice(list(ANSI_IDS))
    o, r = ANSI_IDS[name]
    ident = b"".join(bytes(rng.randint(0, 255) for _ in range(4)) for x in (o, r) if x)
    body = {"identifier": ident}
    if rng.random() < 0.6:
        d = {}
        if rng.random() < 0.7:
            d["version"] = bytes([rng.choice([1, 2, 3])])
        x = rng.random()
        if x < 0.4:
            d["applicationContext"] = ("integerApplicationId", rng.randint(-200, 70000))
        elif x < 0.7:
            d["applicationContext"] = ("objectApplicationId", (1, 2, 840, 10013, rng.randint(0, 300)))
        x = rng.random()
        if x < 0.2:
            d["securityContext"] = ("integerSecurityId", rng.randint(0, 1000))
        elif x < 0.3:
            d["securityContext"] = ("objectSecurityId", (1, 3, rng.randint(0, 200)))
        body["dialoguePortion"] = d
    if name == "abort":
        if rng.random() < 0.8:
            body["causeInformation"] = ("abortCause", rng.randint(1, 10))
    elif name == "unidirectional" or rng.random() < 0.85:
        comps = []
        for _ in range(rng.randint(1, 4)):
            k = rng.randrange(4)
            if k == 0:
                c = {"componentIDs": bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 2))),
                     "opcode": (rng.choice(["national", "private"]),
                                s16(rng.randint(0, 0xFFFF)) if rng.random() < 0.6 else rng.randint(-128, 127))}
                if rng.random() < 0.8:
                    c["parameter"] = rand_param(rng, ANSI_PARAMS)
                comps.append((rng.choice(["invokeLast", "invokeNotLast"]), c))
            elif k == 1:
                c = {"componentID": bytes([rng.randint(0, 255)])}
                if rng.random() < 0.7:
                    c["parameter"] = rand_param(rng, ANSI_PARAMS)
                comps.append((rng.choice(["returnResultLast", "returnResultNotLast"]), c))
            elif k == 2:
                kind = rng.choice(["national", "private"])
                n = rng.randint(-128, 127) if kind == "national" else rng.randint(-40000, 40000)
                c = {"componentID": bytes([rng.randint(0, 255)]), "errorCode": (kind, n)}
                if rng.random() < 0.5:
                    c["parameter"] = rand_param(rng, ANSI_PARAMS)
                comps.append(("returnError", c))
            else:
                c = {"componentID": bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 1))),
                     "rejectProblem": rng.choice([257, 258, 259, 260, 513, 514, 515, 516, 769, 770, 771, 1025, 1029, 1281, 1286]),
                     "parameter": (rng.choice(["paramSequence", "paramSet"]), {})}
                comps.append(("reject", c))
        body["componentPortion"] = comps
    return (name, body)


# --- ITU -------------------------------------------------------------------------------------

DIALOGUE_AS_ID = (0, 0, 17, 773, 1, 1, 1)


def norm_itu(v):
    kind, body = v
    dlg = None
    d = body.get("dialoguePortion")
    if d is not None:
        pdu = d["encoding"][1][1]
        pname, p = pdu
        if pname == "dialogueRequest":
            dlg = ["aarq", oid_bytes(p["application-context-name"]).hex()]
        elif pname == "dialogueResponse":
            src, diag = p["result-source-diagnostic"]
            dlg = ["aare", oid_bytes(p["application-context-name"]).hex(), int(p["result"]),
                   1 if src == "dialogue-service-user" else 2, int(diag)]
        elif pname == "dialogueAbort":
            dlg = ["abrt", int(p["abort-source"])]
        else:
            raise ValueError(pname)
    comps = []
    for top, c in body.get("components", []):
        if top == "basicROS":
            cname, c = c
        else:
            cname = top
        iid = c["invokeId"]
        iid = iid[1] if iid[0] == "present" else None
        if cname == "invoke":
            linked = c.get("linkedId")
            comps.append(["invoke", iid, linked[1] if linked else None, c["opcode"][1], param(c.get("argument"))])
        elif cname in ("returnResult", "returnResultNotLast"):
            r = c.get("result")
            comps.append(["rr", cname == "returnResult", iid, r["opcode"][1] if r else None,
                          param(r.get("result")) if r else None])
        elif cname == "returnError":
            comps.append(["re", iid, c["errcode"][1], param(c.get("parameter"))])
        elif cname == "reject":
            pt, code = c["problem"]
            comps.append(["reject", iid, ["general", "invoke", "returnResult", "returnError"].index(pt), int(code)])
        else:
            raise ValueError(cname)
    reason = body.get("reason")
    pabort = reason[1] if reason and reason[0] == "p-abortCause" else None
    if reason and reason[0] != "p-abortCause":
        pdu = reason[1]["encoding"][1][1]
        dlg = ["abrt", int(pdu[1]["abort-source"])]
    return {"kind": kind, "otid": h(body.get("otid")), "dtid": h(body.get("dtid")),
            "dlg": dlg, "comps": comps, "pabort": pabort}


CAP_V2 = (0, 4, 0, 0, 1, 0, 50, 1)
CAP_V4 = (0, 4, 0, 0, 1, 23, 3, 4)


def rand_itu(rng):
    kind = rng.choice(["begin", "continue", "end", "abort"])
    tid = lambda: bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 4)))
    body = {}
    if kind in ("begin", "continue"):
        body["otid"] = tid()
    if kind != "begin":
        body["dtid"] = tid()
    ac = rng.choice([CAP_V2, CAP_V4, (0, 4, 0, 0, 1, 0, 50, rng.randint(0, 127))])
    if kind == "abort":
        if rng.random() < 0.5:
            body["reason"] = ("p-abortCause", rng.randint(0, 4))
        return (kind, body)
    x = rng.random()
    if kind == "begin" and x < 0.8:
        pdu = ("dialogueRequest", {"protocol-version": (1, 1), "application-context-name": ac})
    elif kind != "begin" and x < 0.4:
        pdu = ("dialogueResponse", {"protocol-version": (1, 1), "application-context-name": ac,
                                    "result": rng.randint(0, 1),
                                    "result-source-diagnostic": (rng.choice(["dialogue-service-user", "dialogue-service-provider"]), rng.randint(0, 2))})
    else:
        pdu = None
    if pdu is not None:
        body["dialoguePortion"] = {"direct-reference": DIALOGUE_AS_ID,
                                   "encoding": ("single-ASN1-type", ("DialoguePDU", pdu))}
    comps = []
    params = [(0, 1, 16), (3, 1, 18)]
    for _ in range(rng.randint(0 if kind != "begin" else 1, 3)):
        k = rng.randrange(4)
        iid = rng.randint(-128, 127)
        op = rng.randint(100, 127)  # outside CAP's operations: pycrate keeps the argument raw
        if k == 0:
            c = {"invokeId": ("present", iid), "opcode": ("local", op)}
            if rng.random() < 0.3:
                c["linkedId"] = ("present", rng.randint(-128, 127))
            if rng.random() < 0.8:
                c["argument"] = rand_param(rng, params)
            comps.append(("basicROS", ("invoke", c)))
        elif k == 1:
            c = {"invokeId": ("present", iid)}
            if rng.random() < 0.7:
                c["result"] = {"opcode": ("local", op), "result": rand_param(rng, params)}
            if rng.random() < 0.5:
                comps.append(("basicROS", ("returnResult", c)))
            else:
                comps.append(("returnResultNotLast", c))
        elif k == 2:
            c = {"invokeId": ("present", iid), "errcode": ("local", rng.randint(1, 127))}
            if rng.random() < 0.5:
                c["parameter"] = rand_param(rng, params)
            comps.append(("basicROS", ("returnError", c)))
        else:
            pt = rng.choice(["general", "invoke", "returnResult", "returnError"])
            c = {"invokeId": ("present", iid) if rng.random() < 0.7 else ("absent", 0),
                 "problem": (pt, rng.randint(0, 2))}
            comps.append(("basicROS", ("reject", c)))
    if comps:
        body["components"] = comps
    return (kind, body)


# --- modes -----------------------------------------------------------------------------------


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def fail(self, what):
        self.failed += 1
        print("FAIL:", what, file=sys.stderr)

    def done(self):
        print("pycrate tcap: %d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def decode(proto, buf):
    obj = ANSI if proto == "ansi" else ITU
    if proto == "ansi":
        with implicit_error_codes():
            obj.from_ber(buf)
            return obj.get_val(), obj.to_ber()
    obj.from_ber(buf)
    return obj.get_val(), obj.to_ber()


def check(inp, outp, t):
    with open(inp) as f, open(outp, "w") as out:
        for n, line in enumerate(f, 1):
            proto, hx, js = line.rstrip("\n").split(" ", 2)
            want = json.loads(js)
            try:
                val, again = decode(proto, bytes.fromhex(hx))
                got = norm_ansi(val) if proto == "ansi" else norm_itu(val)
            except Exception as e:  # noqa: BLE001 - report, keep going
                t.fail("%s line %d: pycrate cannot decode %s: %s" % (inp, n, hx, e))
                out.write("%s -\n" % proto)
                continue
            if got != want:
                t.fail("%s line %d: %s\n  scpd:    %s\n  pycrate: %s" % (inp, n, hx, json.dumps(want), json.dumps(got)))
            else:
                t.passed += 1
            out.write("%s %s\n" % (proto, again.hex()))


def gen(count, seed, outp, t):
    rng = random.Random(seed)
    with open(outp, "w") as out:
        for proto in ("itu", "ansi"):
            for i in range(count):
                v = rand_itu(rng) if proto == "itu" else rand_ansi(rng)
                lundef = i % 2 == 1
                unknown = i % 3 == 2
                obj = ITU if proto == "itu" else ANSI
                undo = []
                try:
                    if unknown and proto == "itu" and "dialoguePortion" in v[1]:
                        pdu = v[1]["dialoguePortion"]["encoding"][1][1]
                        if pdu[0] == "dialogueRequest":
                            undo.append(add_member(itu_aarq(), "newer-member", (29, TAG_CONTEXT_SPEC, TAG_IMPLICIT)))
                            pdu[1]["newer-member"] = bytes([rng.randint(0, 255)])
                    if unknown and proto == "ansi" and "dialoguePortion" in v[1]:
                        for dp in ansi_dialogue_portions():
                            undo.append(add_member(dp, "newer-member", (30, TAG_PRIVATE, TAG_IMPLICIT)))
                        v[1]["dialoguePortion"]["newer-member"] = b"\x01\x02"
                    want = norm_ansi(v) if proto == "ansi" else norm_itu(v)
                    explicit = proto == "ansi" and i % 4 == 3
                    with indefinite(lundef):
                        if proto == "ansi" and not explicit:
                            with implicit_error_codes():
                                obj.set_val(v)
                                buf = obj.to_ber()
                        else:
                            obj.set_val(v)
                            buf = obj.to_ber()
                except Exception as e:  # noqa: BLE001
                    t.fail("pycrate cannot encode %r: %s" % (v, e))
                    continue
                finally:
                    for u in undo:
                        u()
                t.passed += 1
                out.write("%s %s %s\n" % (proto, buf.hex(), json.dumps(want)))


def main():
    t = Tally()
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], t)
    elif len(sys.argv) == 5 and sys.argv[1] == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], t)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    t.done()


if __name__ == "__main__":
    main()
